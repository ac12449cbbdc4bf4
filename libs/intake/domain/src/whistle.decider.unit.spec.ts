import type { IntakeEvent, WhistleBlownData } from '@chuishao/intake-contracts';
import { DeciderSpecification } from '@chuishao/testing';
import { decide, DomainError, FEEDBACK_SCORES, NO_WHISTLE, whistleState, type WhistleCommand, type WhistleState } from './whistle.decider';
import type { WhistleStatus } from './whistle-view-model';

const W = '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01';
const S = 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b';

const blown: WhistleBlownData = {
  whistleId: W,
  streetId: S,
  situationCode: 'FIRE_LANE_BLOCKED',
  area: 'EMERGENCY',
  title: '早餐车占用消防通道',
  description: '液化气罐距一楼窗户不足两米',
  location: { address: '福缘里 3 号', normalisedAddress: '福缘里3号', communityId: null, lat: null, lng: null },
  requestedDepartments: [],
  hints: { lifeSafety: false, householdsAffected: null },
  attachments: [],
  channel: 'api',
};

function state(status: WhistleStatus, feedback: WhistleState['feedback'] = null): WhistleState {
  return { exists: true, status, streetId: S, feedback };
}

/** given (state) when (command) then (events) | thenThrows(DomainError, refused(kind, code)). Intake
 * decides on its view of the whistle (every service's events), not on a fold of its own stream. */
const given = DeciderSpecification.for<WhistleState, WhistleCommand, IntakeEvent>({ decide, evolve: (s) => s, initialState: () => NO_WHISTLE }).givenState;
const refused = (kind: DomainError['kind'], code: string) => (e: DomainError) => {
  expect(e).toMatchObject({ kind, code });
};

const ALL: WhistleStatus[] = ['BLOWN', 'TRIAGED', 'DISPATCHED', 'IN_PROGRESS', 'COMPLETED', 'RESOLVED', 'REOPENED', 'WITHDRAWN'];

describe('whistle decider', () => {
  describe('BlowWhistle', () => {
    it('records WhistleBlown for a new whistle', () => {
      given(NO_WHISTLE).when({ type: 'BlowWhistle', data: blown }).then([{ type: 'WhistleBlown', data: blown }]);
    });
    it('refuses to blow the same whistle twice', () => {
      given(state('BLOWN')).when({ type: 'BlowWhistle', data: blown }).thenThrows(DomainError, refused('conflict', 'ALREADY_BLOWN'));
    });
  });

  describe('WithdrawWhistle', () => {
    const withdrawable: WhistleStatus[] = ['BLOWN', 'TRIAGED', 'DISPATCHED', 'IN_PROGRESS', 'REOPENED'];
    it.each(withdrawable)('withdraws a %s whistle', (status) => {
      given(state(status))
        .when({ type: 'WithdrawWhistle', whistleId: W, reason: '居民已自行协商解决' })
        .then([{ type: 'WhistleWithdrawn', data: { whistleId: W, reason: '居民已自行协商解决' } }]);
    });
    it.each(ALL.filter((s) => !withdrawable.includes(s)))('refuses to withdraw a %s whistle (409)', (status) => {
      given(state(status)).when({ type: 'WithdrawWhistle', whistleId: W, reason: '不需要了' }).thenThrows(DomainError, refused('conflict', 'NOT_WITHDRAWABLE'));
    });
    it('requires a reason (422)', () => {
      given(state('BLOWN')).when({ type: 'WithdrawWhistle', whistleId: W, reason: '   ' }).thenThrows(DomainError, refused('invalid', 'REASON_REQUIRED'));
      given(state('BLOWN')).when({ type: 'WithdrawWhistle', whistleId: W, reason: '     ' }).thenThrows(DomainError, refused('invalid', 'REASON_REQUIRED'));
      given(state('BLOWN')).when({ type: 'WithdrawWhistle', whistleId: W, reason: '\u3000\t\n' }).thenThrows(DomainError, refused('invalid', 'REASON_REQUIRED'));
    });
    it('records the reason trimmed and NFC-normalised (contract §10)', () => {
      given(state('BLOWN'))
        .when({ type: 'WithdrawWhistle', whistleId: W, reason: '  cafe\u0301 已解决 ' })
        .then([{ type: 'WhistleWithdrawn', data: { whistleId: W, reason: 'caf\u00e9 已解决' } }]);
    });
  });

  describe('ConfirmWhistle', () => {
    const cmd: WhistleCommand = { type: 'ConfirmWhistle', whistleId: W, tokenHash: 'a'.repeat(64), expiresAt: '2026-12-25T00:00:00.000Z' };
    it('confirms a COMPLETED whistle and requests feedback', () => {
      given(state('COMPLETED')).when(cmd).then([
        { type: 'WhistleConfirmed', data: { whistleId: W } },
        { type: 'FeedbackRequested', data: { whistleId: W, tokenHash: 'a'.repeat(64), expiresAt: '2026-12-25T00:00:00.000Z' } },
      ]);
    });
    it.each(ALL.filter((s) => s !== 'COMPLETED'))('refuses to confirm a %s whistle (409)', (status) => {
      given(state(status)).when(cmd).thenThrows(DomainError, refused('conflict', 'NOT_COMPLETED'));
    });
  });

  describe('ReopenWhistle', () => {
    it('reopens a COMPLETED whistle', () => {
      given(state('COMPLETED'))
        .when({ type: 'ReopenWhistle', whistleId: W, reason: '通道仍被占用' })
        .then([{ type: 'WhistleReopened', data: { whistleId: W, reason: '通道仍被占用' } }]);
    });
    it.each(ALL.filter((s) => s !== 'COMPLETED'))('refuses to reopen a %s whistle (409)', (status) => {
      given(state(status)).when({ type: 'ReopenWhistle', whistleId: W, reason: '仍未解决' }).thenThrows(DomainError, refused('conflict', 'NOT_COMPLETED'));
    });
    it('requires a reason (422)', () => {
      given(state('COMPLETED')).when({ type: 'ReopenWhistle', whistleId: W, reason: '' }).thenThrows(DomainError, refused('invalid', 'REASON_REQUIRED'));
    });
  });

  describe('GiveFeedback', () => {
    const requested = { status: 'REQUESTED' as const, expiresAt: '2026-12-25T00:00:00.000Z' };
    it.each([
      ['SATISFIED', 100],
      ['BASICALLY_SATISFIED', 80],
      ['DISSATISFIED', 0],
    ] as const)('records %s with score %d', (rating, score) => {
      given(state('RESOLVED', requested))
        .when({ type: 'GiveFeedback', whistleId: W, rating, comment: '处理及时', now: '2026-11-25T00:00:00.000Z' })
        .then([{ type: 'FeedbackGiven', data: { whistleId: W, rating, score, comment: '处理及时' } }]);
      expect(FEEDBACK_SCORES[rating]).toBe(score);
    });
    it('accepts feedback once only', () => {
      given(state('RESOLVED', { ...requested, status: 'GIVEN' }))
        .when({ type: 'GiveFeedback', whistleId: W, rating: 'SATISFIED', comment: null, now: '2026-11-25T00:00:00.000Z' })
        .thenThrows(DomainError, refused('conflict', 'FEEDBACK_USED'));
    });
    it('refuses feedback after the link expired', () => {
      given(state('RESOLVED', requested))
        .when({ type: 'GiveFeedback', whistleId: W, rating: 'SATISFIED', comment: null, now: '2026-12-25T00:00:00.000Z' })
        .thenThrows(DomainError, refused('conflict', 'FEEDBACK_EXPIRED'));
    });
    it('refuses feedback that was never requested', () => {
      given(state('COMPLETED'))
        .when({ type: 'GiveFeedback', whistleId: W, rating: 'SATISFIED', comment: null, now: '2026-11-25T00:00:00.000Z' })
        .thenThrows(DomainError, refused('conflict', 'FEEDBACK_NOT_REQUESTED'));
    });
  });

  it('takes the decision state from the read model', () => {
    expect(whistleState(undefined)).toBe(NO_WHISTLE);
  });
});

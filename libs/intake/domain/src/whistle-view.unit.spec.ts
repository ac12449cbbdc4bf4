import type { Actor } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { applyLocally, evolveView } from './whistle-view';
import type { ViewEvent, WhistleView } from './whistle-view-model';
import { decide, whistleState } from './whistle.decider';

const W = '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01';
const S = 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b';
const LEAD = '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d';
const ASSIST = '60fc73b6-10fa-5f55-9f38-cb3f89b183a3';
const A1 = '11111111-1111-4111-8111-111111111111';
const A2 = '22222222-2222-4222-8222-222222222222';
const street = { role: 'street', org: S, sub: 'clerk' };
const system = { role: 'system', org: null, sub: 'dispatch' };

let n = 0;
function ev(type: string, data: unknown, actor: Actor = system): ViewEvent {
  n += 1;
  return { eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type, occurredAt: `2026-11-25T08:${String(n).padStart(2, '0')}:00.000Z`, actor, data };
}

const blownData: WhistleBlownData = {
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
const deadlines = (h: number) => ({ reportBy: `2026-11-25T${10 + h}:00:00.000Z`, arriveBy: `2026-11-25T${11 + h}:00:00.000Z`, completeBy: `2026-11-26T${10 + h}:00:00.000Z` });
const reply = (assignmentId: string, departmentId: string, extra: object = {}) => ({
  whistleId: W,
  assignmentId,
  departmentId,
  replyId: `r-${assignmentId}-${n}`,
  at: null,
  receivedAt: '2026-11-25T09:00:00.000Z',
  by: null,
  note: null,
  channel: 'http',
  ...extra,
});

/** given (events) then (view) */
function given(...events: ViewEvent[]): WhistleView | undefined {
  return events.reduce<WhistleView | undefined>((v, e) => evolveView(v, e), undefined);
}

const blown = () => ev('WhistleBlown', blownData, street);
const triaged = () =>
  ev('WhistleTriaged', {
    whistleId: W,
    level: 'RED',
    policyVersion: 1,
    rules: [{ id: 'base', level: 'YELLOW', changed: false, reason: { zh: '默认等级', en: 'default level' } }, { id: 'life-safety', level: 'RED', changed: true, reason: { zh: '危及生命', en: 'life safety' } }],
  });
const summoned = () =>
  ev('DepartmentsSummoned', {
    whistleId: W,
    level: 'RED',
    summonedAt: '2026-11-25T08:30:00.000Z',
    assignments: [
      { assignmentId: A1, departmentId: LEAD, role: 'LEAD', deadlines: deadlines(0) },
      { assignmentId: A2, departmentId: ASSIST, role: 'ASSIST', deadlines: deadlines(1) },
    ],
  });
const reported = (a = A1, d = LEAD) => ev('DepartmentReported', reply(a, d));
const completed = (a = A1, d = LEAD) => ev('DepartmentCompleted', reply(a, d, { result: '已清理通道' }));

describe('evolveView (the read model of every service’s events)', () => {
  it('ignores events of a whistle it has not seen blown', () => {
    expect(given(triaged())).toBeUndefined();
  });

  it('follows BLOWN → TRIAGED → DISPATCHED → IN_PROGRESS → COMPLETED', () => {
    const b = given(blown())!;
    expect(b).toMatchObject({ status: 'BLOWN', level: null, version: 1, streetId: S });
    const t = evolveView(b, triaged())!;
    expect(t).toMatchObject({ status: 'TRIAGED', level: 'RED', triage: { level: 'RED', policyVersion: 1, rules: ['base', 'life-safety'] } });
    const d = evolveView(t, summoned())!;
    expect(d.status).toBe('DISPATCHED');
    expect(d.assignments.map((a) => [a.role, a.status])).toEqual([['LEAD', 'SUMMONED'], ['ASSIST', 'SUMMONED']]);
    expect(d.deadlines.reportBy).toBe(deadlines(0).reportBy);
    const r = evolveView(d, reported())!;
    expect(r.status).toBe('IN_PROGRESS');
    expect(r.deadlines.reportBy).toBe(deadlines(1).reportBy); // only the assist has still to report
    const assistDone = evolveView(r, completed(A2, ASSIST))!;
    expect(assistDone.status).toBe('IN_PROGRESS'); // an ASSIST completing does not complete the whistle
    const c = evolveView(assistDone, completed())!;
    expect(c.status).toBe('COMPLETED');
    expect(c.version).toBe(6);
  });

  it('reopens: COMPLETED → REOPENED puts completed assignments back to work, then completes again', () => {
    const c = given(blown(), triaged(), summoned(), reported(), completed())!;
    const re = evolveView(c, ev('WhistleReopened', { whistleId: W, reason: '通道仍被占用' }, street))!;
    expect(re.status).toBe('REOPENED');
    expect(re.assignments.find((a) => a.id === A1)).toMatchObject({ status: 'IN_PROGRESS', completedAt: null });
    expect(re.deadlines.completeBy).not.toBeNull();
    const again = evolveView(re, completed())!;
    expect(again.status).toBe('COMPLETED');
  });

  it('confirms: COMPLETED → RESOLVED with a feedback request, then the feedback once', () => {
    const c = given(blown(), triaged(), summoned(), reported(), completed())!;
    const request = ev('FeedbackRequested', { whistleId: W, tokenHash: 'f'.repeat(64), expiresAt: '2026-12-25T08:00:00.000Z' }, street);
    const r = given(blown(), triaged(), summoned(), reported(), completed(), ev('WhistleConfirmed', { whistleId: W }, street), request)!;
    expect(c.status).toBe('COMPLETED');
    expect(r.status).toBe('RESOLVED');
    expect(r.feedback).toEqual({ status: 'REQUESTED', expiresAt: '2026-12-25T08:00:00.000Z', requestEventId: request.eventId });
    const f = evolveView(r, ev('FeedbackGiven', { whistleId: W, rating: 'BASICALLY_SATISFIED', score: 80, comment: null }, { role: 'public', org: null, sub: 'resident' }))!;
    expect(f.feedback).toMatchObject({ status: 'GIVEN', rating: 'BASICALLY_SATISFIED', score: 80 });
  });

  it('withdraws, and later dispatch events do not reopen a withdrawn whistle', () => {
    const w = given(blown(), triaged(), ev('WhistleWithdrawn', { whistleId: W, reason: '已自行解决' }, street), summoned())!;
    expect(w.status).toBe('WITHDRAWN');
  });

  it('counts unknown event types without changing the view', () => {
    const b = given(blown())!;
    const u = evolveView(b, ev('SomethingNew', {}))!;
    expect({ ...u, version: 0, updatedAt: '' }).toEqual({ ...b, version: 0, updatedAt: '' });
    expect(u.version).toBe(2);
  });

  it('the bus copy of WhistleBlown only counts when the handler already wrote the view', () => {
    const first = blown();
    const local = { ...evolveView(undefined, first)!, version: 0 };
    expect(evolveView(local, first)).toEqual({ ...local, version: 1 });
  });

  describe('read-your-writes (applyLocally) stays idempotent with the projector', () => {
    it.each([
      ['withdraw', (c: WhistleView) => decide({ type: 'WithdrawWhistle', whistleId: W, reason: '已自行解决' }, whistleState(c))],
      ['confirm', (c: WhistleView) => decide({ type: 'ConfirmWhistle', whistleId: W, tokenHash: 'e'.repeat(64), expiresAt: '2026-12-25T08:00:00.000Z' }, whistleState(c))],
      ['reopen', (c: WhistleView) => decide({ type: 'ReopenWhistle', whistleId: W, reason: '仍未解决' }, whistleState(c))],
    ])('%s: local apply then the projected copies equals projecting only', (_name, command) => {
      const base = given(blown(), triaged(), summoned(), reported(), ...(_name === 'withdraw' ? [] : [completed()]))!;
      const recorded = command(base).map((e) => ev(e.type, e.data, street));
      const local = applyLocally(base, recorded);
      expect(local.version).toBe(base.version);
      expect(local.localEventIds).toEqual(recorded.map((e) => e.eventId));
      const projected = recorded.reduce<WhistleView>((v, e) => evolveView(v, e)!, local);
      const projectedOnly = recorded.reduce<WhistleView>((v, e) => evolveView(v, e)!, base);
      expect(projected.localEventIds).toEqual([]);
      expect({ ...projected, localEventIds: undefined }).toEqual({ ...projectedOnly, localEventIds: undefined });
      expect(projected.version).toBe(base.version + recorded.length);
      // a redelivered copy (after the inbox) would count again, but the inbox dedupes it before evolve
    });

    it('a dispatch event projected between the local apply and its bus copy is kept', () => {
      const base = given(blown(), triaged(), summoned(), reported(), completed())!;
      const reopen = ev('WhistleReopened', { whistleId: W, reason: '仍未解决' }, street);
      const local = applyLocally(base, [reopen]);
      const missed = ev('DeadlineMissed', { whistleId: W, assignmentId: A2, departmentId: ASSIST, kind: 'REPORT', dueAt: deadlines(1).reportBy });
      const after = evolveView(evolveView(local, missed)!, reopen)!;
      expect(after.status).toBe('REOPENED');
      expect(after.assignments.find((a) => a.id === A2)!.overdue).toHaveLength(1);
      expect(after.version).toBe(base.version + 2);
    });
  });
});

describe('whistle view: issue #24', () => {
  it('triage.rules and triage.reasons tell the same story: every applied rule, in order, in both', () => {
    const t = given(blown(), ev('WhistleTriaged', {
      whistleId: W,
      level: 'RED',
      policyVersion: 1,
      rules: [
        { id: 'base', level: 'YELLOW', changed: false, reason: { zh: '默认等级', en: 'default level' } },
        { id: 'households', level: 'YELLOW', changed: false, reason: { zh: '影响 80 户，已是最高可升等级', en: '80 households' } },
        { id: 'life-safety', level: 'RED', changed: true, reason: { zh: '危及生命', en: 'life safety' } },
      ],
    }))!;
    expect(t.triage!.rules).toEqual(['base', 'households', 'life-safety']);
    expect(t.triage!.reasons.map((r) => r.rule)).toEqual(t.triage!.rules);
  });

  it('assignments closed with the whistle are CLOSED (also a legacy AssignmentsCancelled); a REJECT moves the deadlines', () => {
    const d = given(blown(), triaged(), summoned())!;
    const closed = evolveView(d, ev('AssignmentsClosed', { whistleId: W, assignmentIds: [A2], cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: '2026-11-25T09:00:00.000Z' }))!;
    expect(closed.assignments.map((a) => a.status)).toEqual(['SUMMONED', 'CLOSED']);
    const legacy = evolveView(d, ev('AssignmentsCancelled', { whistleId: W, assignmentIds: [A1, A2], reason: '撤回' }))!;
    expect(legacy.assignments.map((a) => a.status)).toEqual(['CLOSED', 'CLOSED']);
    const disputed = evolveView(d, ev('AssignmentDisputed', reply(A1, LEAD, { note: '非本部门职责' })))!;
    const rejected = evolveView(disputed, ev('DisputeResolved', { whistleId: W, assignmentId: A1, departmentId: LEAD, decision: 'REJECT', reason: '属本部门', reassignedTo: null, resolvedAt: '2026-11-25T10:00:00.000Z', deadlines: deadlines(3), pausedMs: 3600000 }))!;
    expect(rejected.assignments[0]).toMatchObject({ status: 'SUMMONED', deadlines: deadlines(3) });
  });
  it('shows an assignment’s extension requests, pending then decided; an approval moves its deadline and the whistle’s (contract §11)', () => {
    const d = given(blown(), triaged(), summoned())!;
    const requestId = 'e0000000-0000-5000-8000-000000000001';
    const asked = evolveView(d, ev('ExtensionRequested', { ...reply(A1, LEAD), requestId, replyId: 'x', kind: 'COMPLETE', until: '2026-11-27T10:00:00.000Z', reason: '需等待配件', dueAt: deadlines(0).completeBy, requestedAt: '2026-11-25T09:00:00.000Z' }))!;
    expect(asked.assignments[0].extensions).toEqual([
      { requestId, kind: 'COMPLETE', until: '2026-11-27T10:00:00.000Z', reason: '需等待配件', dueAt: deadlines(0).completeBy, requestedAt: '2026-11-25T09:00:00.000Z', status: 'PENDING', decidedAt: null, decisionReason: null },
    ]);
    const moved = { ...deadlines(0), completeBy: '2026-11-27T10:00:00.000Z' };
    const decided = { whistleId: W, assignmentId: A1, departmentId: LEAD, requestId, kind: 'COMPLETE', until: moved.completeBy, dueAt: deadlines(0).completeBy, decidedAt: '2026-11-25T09:30:00.000Z' };
    const approved = evolveView(asked, ev('ExtensionDecided', { ...decided, decision: 'APPROVE', reason: '同意', deadlines: moved, standing: false }))!;
    expect(approved.assignments[0]).toMatchObject({ deadlines: moved, extensions: [{ status: 'APPROVED', decisionReason: '同意', decidedAt: '2026-11-25T09:30:00.000Z' }] });
    expect(approved.deadlines.completeBy).toBe(approved.assignments[1].deadlines.completeBy); // the ASSIST's is earlier now: the whistle shows the earliest open one
    expect(asked.deadlines.completeBy).toBe(deadlines(0).completeBy);
    const denied = evolveView(asked, ev('ExtensionDecided', { ...decided, decision: 'DENY', reason: '理由不足' }))!;
    expect(denied.assignments[0]).toMatchObject({ deadlines: deadlines(0), extensions: [{ status: 'DENIED', decisionReason: '理由不足' }] });
    // a view stored before extensions existed has no list on its assignments: it gets one
    const old = { ...d, assignments: d.assignments.map(({ extensions: _e, ...a }) => a) };
    expect(evolveView(old, ev('ExtensionRequested', { ...reply(A1, LEAD), requestId, replyId: 'x', kind: 'ARRIVE', until: '2026-11-27T10:00:00.000Z', reason: 'r', dueAt: deadlines(0).arriveBy, requestedAt: '2026-11-25T09:00:00.000Z' }))!.assignments[0].extensions).toHaveLength(1);
  });
});

import { cleanText } from '@chuishao/contracts';
import type { IntakeEvent, Rating, WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleStatus, WhistleView } from './whistle-view-model';

/** A command refused by the domain; `kind` maps to HTTP 409 (state conflict) or 422 (invalid). */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: 'conflict' | 'invalid',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What intake needs to know about a whistle to decide: taken from its read model. */
export interface WhistleState {
  exists: boolean;
  status: WhistleStatus | null;
  streetId: string | null;
  feedback: { status: 'REQUESTED' | 'GIVEN'; expiresAt: string } | null;
}

export const NO_WHISTLE: WhistleState = { exists: false, status: null, streetId: null, feedback: null };

/** The decision state of a whistle, taken from its read model (intake decides on what it has projected). */
export function whistleState(view: WhistleView | undefined): WhistleState {
  if (!view) return NO_WHISTLE;
  return {
    exists: true,
    status: view.status,
    streetId: view.streetId,
    feedback: view.feedback ? { status: view.feedback.status, expiresAt: view.feedback.expiresAt } : null,
  };
}

/** A feedback link is valid for 30 days after the street confirmed the result. */
export const FEEDBACK_TTL_MS = 30 * 24 * 3600 * 1000;

export type WhistleCommand =
  | { type: 'BlowWhistle'; data: WhistleBlownData }
  | { type: 'WithdrawWhistle'; whistleId: string; reason: string }
  | { type: 'ConfirmWhistle'; whistleId: string; tokenHash: string; expiresAt: string }
  | { type: 'ReopenWhistle'; whistleId: string; reason: string }
  | { type: 'GiveFeedback'; whistleId: string; rating: Rating; comment: string | null; now: string };

export const FEEDBACK_SCORES: Record<Rating, number> = { SATISFIED: 100, BASICALLY_SATISFIED: 80, DISSATISFIED: 0 };

const conflict = (code: string, msg: string) => new DomainError('conflict', code, msg);

/** decide: (command, state) → events. Pure; throws DomainError when the command is not allowed. */
export function decide(command: WhistleCommand, state: WhistleState): IntakeEvent[] {
  switch (command.type) {
    case 'BlowWhistle':
      if (state.exists) throw conflict('ALREADY_BLOWN', 'whistle already exists');
      return [{ type: 'WhistleBlown', data: command.data }];
    case 'WithdrawWhistle': {
      if (state.status === 'RESOLVED' || state.status === 'WITHDRAWN' || state.status === 'COMPLETED')
        throw conflict('NOT_WITHDRAWABLE', `哨件状态为 ${state.status}，不能撤回 / a ${state.status} whistle cannot be withdrawn`);
      const reason = cleanText(command.reason); // contract §10: trimmed and NFC before its rule
      if (!reason) throw new DomainError('invalid', 'REASON_REQUIRED', '撤回须说明理由 / a reason is required');
      return [{ type: 'WhistleWithdrawn', data: { whistleId: command.whistleId, reason } }];
    }
    case 'ConfirmWhistle':
      if (state.status !== 'COMPLETED')
        throw conflict('NOT_COMPLETED', `只有已办结的哨件可以确认，当前为 ${state.status} / only a COMPLETED whistle can be confirmed (it is ${state.status})`);
      return [
        { type: 'WhistleConfirmed', data: { whistleId: command.whistleId } },
        { type: 'FeedbackRequested', data: { whistleId: command.whistleId, tokenHash: command.tokenHash, expiresAt: command.expiresAt } },
      ];
    case 'ReopenWhistle': {
      if (state.status !== 'COMPLETED')
        throw conflict('NOT_COMPLETED', `只有已办结的哨件可以退回重办，当前为 ${state.status} / only a COMPLETED whistle can be reopened (it is ${state.status})`);
      const reason = cleanText(command.reason);
      if (!reason) throw new DomainError('invalid', 'REASON_REQUIRED', '退回须说明理由 / a reason is required');
      return [{ type: 'WhistleReopened', data: { whistleId: command.whistleId, reason } }];
    }
    case 'GiveFeedback':
      if (!state.feedback) throw conflict('FEEDBACK_NOT_REQUESTED', '该哨件尚未请求评价 / no feedback was requested for this whistle');
      if (state.feedback.status === 'GIVEN') throw conflict('FEEDBACK_USED', '评价链接已使用 / this feedback link has been used');
      if (state.feedback.expiresAt <= command.now) throw conflict('FEEDBACK_EXPIRED', '评价链接已过期 / this feedback link has expired');
      return [
        {
          type: 'FeedbackGiven',
          data: { whistleId: command.whistleId, rating: command.rating, score: FEEDBACK_SCORES[command.rating], comment: command.comment },
        },
      ];
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

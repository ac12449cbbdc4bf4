import type { DispatchEvent, ReplyAppliedData } from '@chuishao/dispatch-contracts';
import { requestExtension } from './extensions';
import { blank, clean, refuse } from './refusal';
import { assertOpenWhistle, find, replyEventType, replyKey, type DispatchState, type ReplyCommandData } from './dispatch.state';

/**
 * A department's reply (Kafka or HTTP). Order of replies (documented in docs/departments.md):
 * REPORT must come first. ARRIVE, PROGRESS and COMPLETE before REPORT are refused — ARRIVE does
 * NOT imply REPORT, so that the report deadline (报到) is judged on an explicit report. COMPLETE
 * does not need ARRIVE (not every problem needs someone on site); a completion before the arrive
 * deadline satisfies it. DISPUTE (退单) is allowed before REPORT: a department wrongly summoned
 * says so at once. EXTENSION is decided in ./extensions.ts.
 */
export interface ApplyReplyCommand {
  type: 'ApplyReply';
  reply: ReplyCommandData;
  extensionCap?: number;
}

export function applyReply({ reply: r, extensionCap }: ApplyReplyCommand, state: DispatchState): DispatchEvent[] {
  const a = find(state, r.assignmentId);
  if (a.departmentId !== r.departmentId) refuse('forbidden', 'OTHER_DEPARTMENT', `assignment ${r.assignmentId} belongs to another department`);
  if (state.replies.includes(replyKey(r.departmentId, r.replyId))) return []; // replay: already applied
  if (r.type === 'EXTENSION') return requestExtension(r, a, state, extensionCap);
  if (r.type === 'DISPUTE' && blank(r.note)) refuse('invalid', 'NOTE_REQUIRED', 'DISPUTE needs a note (the reason, 退单理由)');
  if (r.type === 'COMPLETE' && blank(r.result)) refuse('invalid', 'RESULT_REQUIRED', 'COMPLETE needs a result (办结结果)');
  assertOpenWhistle(state);
  if (a.status === 'CLOSED') refuse('conflict', 'ASSIGNMENT_CLOSED', 'the assignment was closed with its whistle (随哨件关闭)');
  if (a.status === 'REASSIGNED') refuse('conflict', 'ASSIGNMENT_REASSIGNED', 'the assignment was reassigned to another department after a dispute');
  if (a.status === 'COMPLETED') refuse('conflict', 'ASSIGNMENT_COMPLETED', `${r.type} after COMPLETE: the assignment is already completed`);
  if (a.status === 'DISPUTED') refuse('conflict', 'ASSIGNMENT_DISPUTED', `${r.type} while the dispute awaits the command center's decision`);
  switch (r.type) {
    case 'REPORT':
      if (a.reportedAt) refuse('conflict', 'ALREADY_REPORTED', 'already reported');
      break;
    case 'ARRIVE':
      if (!a.reportedAt) refuse('conflict', 'NOT_REPORTED', 'ARRIVE before REPORT');
      if (a.arrivedAt) refuse('conflict', 'ALREADY_ARRIVED', 'already arrived');
      break;
    case 'PROGRESS':
      if (!a.reportedAt) refuse('conflict', 'NOT_REPORTED', 'PROGRESS before REPORT');
      break;
    case 'COMPLETE':
      if (!a.reportedAt) refuse('conflict', 'NOT_REPORTED', 'COMPLETE before REPORT');
      break;
    case 'DISPUTE':
      break;
    default: {
      const exhaustive: never = r.type;
      return exhaustive;
    }
  }
  const data: ReplyAppliedData = {
    whistleId: state.whistleId as string,
    assignmentId: a.id,
    departmentId: a.departmentId,
    replyId: r.replyId,
    at: r.at,
    receivedAt: r.receivedAt,
    by: r.by,
    note: clean(r.note),
    channel: r.channel,
  };
  if (r.type === 'COMPLETE') return [{ type: 'DepartmentCompleted', data: { ...data, result: clean(r.result) as string } }];
  return [{ type: replyEventType(r.type), data } as DispatchEvent];
}

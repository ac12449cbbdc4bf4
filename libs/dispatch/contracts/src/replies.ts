import type { ExtensionKind } from './extensions';

/** Reply types a department may send (contract §4). */
export const REPLY_TYPES = ['REPORT', 'ARRIVE', 'PROGRESS', 'DISPUTE', 'COMPLETE', 'EXTENSION'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/**
 * What a department publishes on chuishao.dept.<departmentId>.replies (contract §4; the bus
 * document's `Reply` is generated from this type). Unknown properties are ignored.
 */
export interface ReplyMessage {
  /**
   * Idempotency key chosen by the department, unique per department: the same replyId again is applied once. 1-128 printable ASCII characters without spaces.
   * @pattern ^[\x21-\x7e]{1,128}$
   */
  replyId: string;
  /**
   * From the assignment message.
   * @format uuid
   */
  assignmentId: string;
  /** REPORT 报到 (first), ARRIVE 到场 (after REPORT), PROGRESS 进展 (after REPORT), DISPUTE 退单 (note = reason, required; allowed before REPORT), COMPLETE 办结 (after REPORT; result required), EXTENSION 延期申请 (kind, until and reason required). */
  type: ReplyType;
  /**
   * The department's own claim of when it acted (ISO 8601 with offset). Kept, never used for deadlines.
   * @format date-time
   */
  at?: string | null;
  /** Who acted (personal data: kept in the event, never logged). */
  by?: { name?: string | null } | null;
  /**
   * PROGRESS/ARRIVE remarks; the reason of a DISPUTE (required there). Trimmed and NFC-normalised first.
   * @maxLength 4000
   */
  note?: string | null;
  /**
   * COMPLETE: what was done (required there).
   * @maxLength 4000
   */
  result?: string | null;
  /** EXTENSION (contract §11): the deadline to move. */
  kind?: ExtensionKind;
  /**
   * EXTENSION: the deadline asked for (ISO 8601 with offset).
   * @format date-time
   */
  until?: string;
  /**
   * EXTENSION: why (required).
   * @maxLength 2000
   */
  reason?: string | null;
}

/** Replies as a department sends them (the bus document's examples; the consumer's tests accept every one). */
export const REPLY_EXAMPLES: ReplyMessage[] = [
  { replyId: 'fire-20261125-0001-report', assignmentId: '6f1c2a3b-1111-4222-8333-944455556666', type: 'REPORT', at: '2026-11-25T16:05:00+08:00', by: { name: '王建国' } },
  { replyId: 'fire-20261125-0001-arrive', assignmentId: '6f1c2a3b-1111-4222-8333-944455556666', type: 'ARRIVE', at: '2026-11-25T16:21:00+08:00', by: { name: '王建国' }, note: '两名消防员到场' },
  { replyId: 'fire-20261125-0001-complete', assignmentId: '6f1c2a3b-1111-4222-8333-944455556666', type: 'COMPLETE', at: '2026-11-25T17:40:00+08:00', by: { name: '王建国' }, result: '液化气罐已移出通道，早餐车已规范停放' },
  { replyId: 'urban-20261125-0042-dispute', assignmentId: '0a8f3c52-2222-4333-8444-a55566667777', type: 'DISPUTE', note: '该事项属市场监管职责，非城管职责' },
  { replyId: 'fire-20261125-0001-extension', assignmentId: '6f1c2a3b-1111-4222-8333-944455556666', type: 'EXTENSION', kind: 'COMPLETE', until: '2026-11-27T18:00:00+08:00', reason: '燃气管道需燃气公司停气后更换，预计 11 月 27 日下午完成' },
];

/** Integration events recorded by dispatch, published on TOPICS.whistleEvents keyed by whistleId. */
import type { Level } from '@chuishao/contracts';
export type AssignmentRole = 'LEAD' | 'ASSIST';
export type DeadlineKind = 'REPORT' | 'ARRIVE' | 'COMPLETE';

export interface Deadlines {
  reportBy: string;
  arriveBy: string;
  completeBy: string;
}

export interface SummonedAssignment {
  assignmentId: string;
  departmentId: string;
  role: AssignmentRole;
  deadlines: Deadlines;
}

/** The SLA of a level as ISO 8601 durations (e.g. PT15M, PT2S), as triage published it. */
export interface LevelSla {
  report: string;
  arrive: string;
  complete: string;
}

export interface DepartmentsSummonedData {
  whistleId: string;
  level: Level;
  summonedAt: string;
  assignments: SummonedAssignment[];
  /** The level's SLA the deadlines were computed with (kept for reassignment and reopen). Absent in early events. */
  sla?: LevelSla;
}

/** Common to every department reply applied (REPORT, ARRIVE, PROGRESS, DISPUTE, COMPLETE). */
export interface ReplyAppliedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  replyId: string;
  /** The department's own claim of when it acted (kept, never used for deadlines). */
  at: string | null;
  /** When we received the reply: every deadline is judged by this. */
  receivedAt: string;
  by: { name: string } | null;
  note: string | null;
  channel: 'kafka' | 'http';
}
export type DepartmentReportedData = ReplyAppliedData;
export type DepartmentArrivedData = ReplyAppliedData;
export type HandlingProgressedData = ReplyAppliedData;
export type AssignmentDisputedData = ReplyAppliedData;
export interface DepartmentCompletedData extends ReplyAppliedData {
  result: string;
}

export interface DisputeResolvedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  decision: 'UPHOLD' | 'REJECT';
  reason: string;
  reassignedTo: SummonedAssignment | null;
  /** When the command center decided (the reassigned assignment's summonedAt). Absent in early events. */
  resolvedAt?: string;
  /**
   * REJECT: the disputed assignment's deadlines once its clock resumes — every deadline not yet
   * due when the dispute was received moved by the time the dispute waited (contract §4: the clock
   * stops while DISPUTED). Absent on UPHOLD and in early events (which did not pause).
   */
  deadlines?: Deadlines;
  /** REJECT: how long the clock stood still, in milliseconds (resolvedAt − the dispute's receipt). */
  pausedMs?: number;
}

export interface DeadlineMissedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  kind: DeadlineKind;
  dueAt: string;
}

export interface WhistleEscalatedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  kind: DeadlineKind;
  dueAt: string;
}

export interface DeadlinesChangedData {
  whistleId: string;
  reason: 'TRIAGE_OVERRIDDEN' | 'WHISTLE_REOPENED';
  assignments: Array<{ assignmentId: string; deadlines: Deadlines }>;
  /** TRIAGE_OVERRIDDEN: the new level and its SLA (deadlines recomputed from each assignment's summonedAt). */
  level?: Level;
  sla?: LevelSla;
}

/** Legacy (withdrawals recorded before AssignmentsClosed existed): read as AssignmentsClosed by WHISTLE_WITHDRAWN, time unknown. */
export interface AssignmentsCancelledData {
  whistleId: string;
  assignmentIds: string[];
  reason: string;
}

/**
 * Contract §4: the assignments still open (not completed, not reassigned) when their whistle was
 * confirmed or withdrawn become CLOSED. No deadline of theirs due at or after `closedAt` fires; one
 * due before it is judged as usual (a miss before the closing stands). `closedAt` is the time of
 * the whistle's own event (WhistleConfirmed / WhistleWithdrawn), so every service agrees on it.
 */
export interface AssignmentsClosedData {
  whistleId: string;
  assignmentIds: string[];
  cause: 'WHISTLE_CONFIRMED' | 'WHISTLE_WITHDRAWN';
  /** The street's reason (withdrawal), or null. */
  reason: string | null;
  closedAt: string;
}

/** The deadlines a department may ask to move (contract §11): the report deadline is never extended. */
export const EXTENSION_KINDS = ['ARRIVE', 'COMPLETE'] as const;
export type ExtensionKind = (typeof EXTENSION_KINDS)[number];

/**
 * How many extensions the command center may approve per assignment when no scoring policy version
 * applies. Contract §11/§12 make it a field of assessment's scoring policy (default 2): dispatch
 * reads the versions from ScoringPolicyPublished and applies the one in force at the start of the
 * summons' month — see docs/departments.md.
 */
export const DEFAULT_EXTENSION_CAP = 2;

/**
 * 延期申请 (contract §11): a department asks for more time for one deadline of its assignment, over
 * HTTP (`POST …/extension`) or as a reply of type EXTENSION. A reply like the others: `replyId`
 * makes it idempotent, `requestedAt` (our receipt) is its time.
 */
export interface ExtensionRequestedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  /** The id the command center decides on (`POST …/extension-decision {"requestId"}`). */
  requestId: string;
  replyId: string;
  kind: ExtensionKind;
  /** The deadline asked for: after the deadline in force (`dueAt`). */
  until: string;
  reason: string;
  /** The deadline in force when the request was received. */
  dueAt: string;
  /** When we received the request (a reply's receivedAt). */
  requestedAt: string;
  at: string | null;
  by: { name: string } | null;
  channel: 'kafka' | 'http';
}

/**
 * The command center's decision on an extension request. APPROVE moves the deadline `kind` to
 * `until`: `deadlines` are the assignment's deadlines afterwards. `standing`: the deadline in force
 * (`dueAt`) had already fallen due when the decision came — it is judged at its own time as
 * before (a miss of it stands), the new deadline applies from the decision on.
 */
export interface ExtensionDecidedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  requestId: string;
  kind: ExtensionKind;
  decision: 'APPROVE' | 'DENY';
  reason: string;
  until: string;
  /** The deadline in force when the decision was made. */
  dueAt: string;
  decidedAt: string;
  /** APPROVE: the assignment's deadlines once moved. */
  deadlines?: Deadlines;
  /** APPROVE: the deadline `dueAt` had fallen due before the decision (a miss of it stands). */
  standing?: boolean;
}

export type DispatchEvent =
  | { type: 'DepartmentsSummoned'; data: DepartmentsSummonedData }
  | { type: 'DepartmentReported'; data: DepartmentReportedData }
  | { type: 'DepartmentArrived'; data: DepartmentArrivedData }
  | { type: 'HandlingProgressed'; data: HandlingProgressedData }
  | { type: 'AssignmentDisputed'; data: AssignmentDisputedData }
  | { type: 'DisputeResolved'; data: DisputeResolvedData }
  | { type: 'DepartmentCompleted'; data: DepartmentCompletedData }
  | { type: 'DeadlineMissed'; data: DeadlineMissedData }
  | { type: 'WhistleEscalated'; data: WhistleEscalatedData }
  | { type: 'DeadlinesChanged'; data: DeadlinesChangedData }
  | { type: 'AssignmentsCancelled'; data: AssignmentsCancelledData }
  | { type: 'AssignmentsClosed'; data: AssignmentsClosedData }
  | { type: 'ExtensionRequested'; data: ExtensionRequestedData }
  | { type: 'ExtensionDecided'; data: ExtensionDecidedData };

/** The message published on chuishao.dept.<departmentId>.assignments (contract §4). */
export interface AssignmentMessage {
  /** Discriminates the messages of the assignments topic (absent = SUMMONED for early messages). */
  type?: 'SUMMONED';
  assignmentId: string;
  whistleId: string;
  role: AssignmentRole;
  level: Level;
  situationCode: string;
  title: string;
  description: string;
  location: unknown;
  deadlines: Deadlines;
  summonedAt: string;
}

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

/** The other messages of a department's assignments topic (header `message-type` carries `type` too). */
export interface AssignmentCancelledMessage {
  type: 'CANCELLED';
  assignmentId: string;
  whistleId: string;
  reason: string;
  cancelledAt: string;
}
export interface AssignmentReopenedMessage {
  type: 'REOPENED';
  assignmentId: string;
  whistleId: string;
  reason: string;
  deadlines: Deadlines;
  reopenedAt: string;
}
export interface DeadlinesChangedMessage {
  type: 'DEADLINES_CHANGED';
  assignmentId: string;
  whistleId: string;
  level: Level;
  reason: string;
  deadlines: Deadlines;
  changedAt: string;
}
export interface DisputeResolvedMessage {
  type: 'DISPUTE_RESOLVED';
  assignmentId: string;
  whistleId: string;
  decision: 'UPHOLD' | 'REJECT';
  reason: string;
  resolvedAt: string;
  /** REJECT: the deadlines after the clock resumed (moved by the time the dispute waited). */
  deadlines?: Deadlines;
}
export interface AssignmentOverdueMessage {
  type: 'OVERDUE';
  assignmentId: string;
  whistleId: string;
  kind: DeadlineKind;
  dueAt: string;
  escalated: boolean;
}
export interface WhistleClosedMessage {
  type: 'CLOSED';
  assignmentId: string;
  whistleId: string;
  reason: 'WHISTLE_CONFIRMED';
  closedAt: string;
  /** Whether the assignment itself was still open (and is now CLOSED: excluded from completion) or had completed. */
  status?: 'CLOSED' | 'COMPLETED';
}
/** The command center's decision on the department's extension request (contract §11). */
export interface ExtensionDecidedMessage {
  type: 'EXTENSION_DECIDED';
  assignmentId: string;
  whistleId: string;
  requestId: string;
  kind: ExtensionKind;
  decision: 'APPROVE' | 'DENY';
  reason: string;
  until: string;
  decidedAt: string;
  /** APPROVE: the assignment's deadlines afterwards. */
  deadlines?: Deadlines;
}
export type DepartmentTopicMessage =
  | (AssignmentMessage & { type: 'SUMMONED' })
  | AssignmentCancelledMessage
  | AssignmentReopenedMessage
  | DeadlinesChangedMessage
  | DisputeResolvedMessage
  | AssignmentOverdueMessage
  | WhistleClosedMessage
  | ExtensionDecidedMessage;

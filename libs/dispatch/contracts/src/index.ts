/** Integration events recorded by dispatch, published on TOPICS.whistleEvents keyed by whistleId. */
export type Level = 'RED' | 'YELLOW' | 'BLUE';
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

export interface AssignmentsCancelledData {
  whistleId: string;
  assignmentIds: string[];
  reason: string;
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
  | { type: 'AssignmentsCancelled'; data: AssignmentsCancelledData };

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
export const REPLY_TYPES = ['REPORT', 'ARRIVE', 'PROGRESS', 'DISPUTE', 'COMPLETE'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/** What a department publishes on chuishao.dept.<departmentId>.replies (contract §4, docs/schemas/reply.json). */
export interface ReplyMessage {
  replyId: string;
  assignmentId: string;
  type: ReplyType;
  at?: string | null;
  by?: { name?: string | null } | null;
  note?: string | null;
  result?: string | null;
}

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
}
export type DepartmentTopicMessage =
  | (AssignmentMessage & { type: 'SUMMONED' })
  | AssignmentCancelledMessage
  | AssignmentReopenedMessage
  | DeadlinesChangedMessage
  | DisputeResolvedMessage
  | AssignmentOverdueMessage
  | WhistleClosedMessage;

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

export interface DepartmentsSummonedData {
  whistleId: string;
  level: Level;
  summonedAt: string;
  assignments: SummonedAssignment[];
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

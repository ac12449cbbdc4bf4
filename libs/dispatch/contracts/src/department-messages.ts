import type { Level } from '@chuishao/contracts';
import type { AssignmentRole, DeadlineKind, Deadlines } from './assignments';
import type { ExtensionKind } from './extensions';

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

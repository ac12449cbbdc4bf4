/** Integration events recorded by dispatch, published on TOPICS.whistleEvents keyed by whistleId. */
import type { Level } from '@chuishao/contracts';
import type { DeadlineKind, Deadlines, LevelSla, SummonedAssignment } from './assignments';
import type { ExtensionDecidedData, ExtensionRequestedData } from './extensions';

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

import type { AssignmentRole } from '@chuishao/dispatch-contracts';
import type { Rating } from './scoring-policy';

/** The projection's state and output (the functions are in projector.ts). */
export type Outcome = 'ON_TIME' | 'LATE' | 'MISSED' | 'EXCLUDED';

/**
 * Why an assignment does not count: its dispute was upheld, or it was CLOSED with its whistle
 * (confirmed or withdrawn while open and not yet due — contract §4, §7). 'WITHDRAWN' and
 * 'CANCELLED' are read from states stored before issue #24 (a rebuild replaces them).
 */
export type Exclusion = 'UPHELD' | 'CLOSED' | 'WITHDRAWN' | 'CANCELLED';

export type CountColumn = 'onTime' | 'late' | 'missed' | 'excluded' | 'satisfied' | 'basicallySatisfied' | 'dissatisfied';

/** LATE, MISSED, FEEDBACK: lost points; CLOSED: an exclusion explained ("closed with the whistle", no point lost). */
export type MarkKind = 'LATE' | 'MISSED' | 'CLOSED' | 'FEEDBACK';

export interface LostSpan {
  no: number;
  kind: 'LATE' | 'MISSED' | 'CLOSED';
  startKey: number;
}

export interface AssignmentState {
  assignmentId: string;
  whistleId: string;
  departmentId: string;
  role: AssignmentRole;
  summonedAt: string;
  /** `YYYY-MM` of the summons in the district's zone: the period bucket. */
  month: string;
  completeBy: string;
  completedAt: string | null;
  excluded: Exclusion | null;
  /** While a dispute waits, the time it was received: the clock is stopped (never missed meanwhile). */
  pausedSince?: string | null;
  /** Approved extensions of the complete deadline (named in the explanations); absent in states stored before them. */
  extensions?: ExtensionNote[];
  span: LostSpan | null;
  spans: number;
}

export interface FeedbackState {
  itemKey: string;
  departmentId: string;
  month: string;
  rating: Rating;
  feedbackId?: string;
}

export interface WhistleState {
  whistleId: string;
  assignments: AssignmentState[];
  feedback: FeedbackState | null;
  feedbacks: number;
  /** The whistle was withdrawn or confirmed: an assignment summoned afterwards is CLOSED at once. */
  withdrawn: boolean;
  /** Key of the last change applied: facts are applied at max(own time, lastKey) so keys never go back. */
  lastKey: number;
}

export interface CountDelta {
  departmentId: string;
  month: string;
  key: number;
  column: CountColumn;
  delta: number;
}

export interface LostMark {
  departmentId: string;
  month: string;
  key: number;
  sign: 1 | -1;
  kind: MarkKind;
  itemKey: string;
  whistleId: string;
  /** On the opening mark only. */
  detail: LateDetail | FeedbackDetail | null;
}

export interface LateDetail {
  assignmentId: string;
  completeBy: string;
  completedAt: string | null;
  /** The approved extensions of the assignment's complete deadline, when it had any. */
  extensions?: ExtensionNote[];
}

/** An approved extension (延期): the deadline granted and when the command center approved it. */
export interface ExtensionNote {
  until: string;
  approvedAt: string;
}

export interface FeedbackDetail {
  rating: Rating;
  feedbackId?: string;
}

export interface ProjectionOutput {
  deltas: CountDelta[];
  marks: LostMark[];
}

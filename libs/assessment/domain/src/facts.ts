import type {
  AssignmentDisputedData,
  AssignmentRole,
  AssignmentsCancelledData,
  AssignmentsClosedData,
  DeadlinesChangedData,
  DepartmentCompletedData,
  DepartmentsSummonedData,
  DisputeResolvedData,
  ExtensionDecidedData,
} from '@chuishao/dispatch-contracts';
import type { FeedbackGivenData, WhistleConfirmedData, WhistleReopenedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';
import type { Rating } from './scoring-policy';

/**
 * The facts the scorecard is computed from, each with its event time `at` (the envelope's
 * occurredAt). Derived 1:1 from whistle events on the bus by {@link factFromEvent}; a scorecard
 * `asOf` T sees exactly the facts with `at` ≤ T.
 */
export interface SummonedAssignmentFact {
  assignmentId: string;
  departmentId: string;
  role: AssignmentRole;
  completeBy: string;
}

export type WhistleFact =
  | { kind: 'summoned'; at: string; whistleId: string; summonedAt: string; assignments: SummonedAssignmentFact[] }
  | { kind: 'deadlinesChanged'; at: string; whistleId: string; assignments: Array<{ assignmentId: string; completeBy: string }> }
  | { kind: 'completed'; at: string; whistleId: string; assignmentId: string; completedAt: string }
  | { kind: 'reopened'; at: string; whistleId: string }
  | { kind: 'upheld'; at: string; whistleId: string; assignmentId: string; reassignedTo: SummonedAssignmentFact | null }
  /** A dispute received: the assignment's clock stops (contract §4). */
  | { kind: 'disputed'; at: string; whistleId: string; assignmentId: string }
  /** A dispute rejected: the clock resumes; `completeBy` moved by the wait (null in early events, which did not pause). */
  | { kind: 'resumed'; at: string; whistleId: string; assignmentId: string; completeBy: string | null }
  /**
   * The command center approved an extension of the complete deadline (延期, contract §11) at
   * `approvedAt`: the deadline becomes `completeBy` — unless `standing`, i.e. the deadline in force
   * had already fallen due (the miss stands; the extension is only named).
   */
  | { kind: 'extended'; at: string; whistleId: string; assignmentId: string; completeBy: string; approvedAt: string; standing: boolean }
  /** Dispatch closed these open assignments with their whistle (AssignmentsClosed, or a legacy AssignmentsCancelled). */
  | { kind: 'cancelled'; at: string; whistleId: string; assignmentIds: string[] }
  | { kind: 'withdrawn'; at: string; whistleId: string }
  | { kind: 'confirmed'; at: string; whistleId: string }
  /** `feedbackId`: the FeedbackGiven event's id, what an appeal names (contract §11). */
  | { kind: 'feedback'; at: string; whistleId: string; rating: Rating; feedbackId?: string };

export interface Deduction {
  points: number;
  reason: string;
}

/** A street's rating of a department for a period (one revision of it). */
export interface RatingFact {
  kind: 'rated';
  at: string;
  streetId: string;
  departmentId: string;
  period: string;
  revision: number;
  score: number;
  deductions: Deduction[];
  /** The StreetRated event's id, what an appeal names (contract §11). */
  ratingId?: string;
}

export type AssessmentFact = WhistleFact | RatingFact;

/** The event types of the whistle topic the scorecard depends on. */
export const SCORING_EVENT_TYPES = [
  'DepartmentsSummoned',
  'DeadlinesChanged',
  'DepartmentCompleted',
  'WhistleReopened',
  'AssignmentDisputed',
  'DisputeResolved',
  'ExtensionDecided',
  'AssignmentsCancelled',
  'AssignmentsClosed',
  'WhistleWithdrawn',
  'WhistleConfirmed',
  'FeedbackGiven',
] as const;

/** What a bus envelope must carry for {@link factFromEvent}. */
export interface FactSource {
  /** The envelope's id (names a feedback for appeals). */
  eventId?: string;
  type: string;
  occurredAt: string;
  whistleId: string | null;
  data: unknown;
}

/** The scoring fact an event stands for, or undefined when the scorecard does not depend on it. */
export function factFromEvent(e: FactSource): WhistleFact | undefined {
  const at = e.occurredAt;
  switch (e.type) {
    case 'DepartmentsSummoned': {
      const d = e.data as DepartmentsSummonedData;
      return {
        kind: 'summoned',
        at,
        whistleId: d.whistleId,
        summonedAt: d.summonedAt,
        assignments: d.assignments.map((a) => ({ assignmentId: a.assignmentId, departmentId: a.departmentId, role: a.role, completeBy: a.deadlines.completeBy })),
      };
    }
    case 'DeadlinesChanged': {
      const d = e.data as DeadlinesChangedData;
      return { kind: 'deadlinesChanged', at, whistleId: d.whistleId, assignments: d.assignments.map((a) => ({ assignmentId: a.assignmentId, completeBy: a.deadlines.completeBy })) };
    }
    case 'DepartmentCompleted': {
      const d = e.data as DepartmentCompletedData;
      return { kind: 'completed', at, whistleId: d.whistleId, assignmentId: d.assignmentId, completedAt: d.receivedAt };
    }
    case 'WhistleReopened':
      return { kind: 'reopened', at, whistleId: (e.data as WhistleReopenedData).whistleId };
    case 'AssignmentDisputed': {
      const d = e.data as AssignmentDisputedData;
      return { kind: 'disputed', at, whistleId: d.whistleId, assignmentId: d.assignmentId };
    }
    case 'DisputeResolved': {
      const d = e.data as DisputeResolvedData;
      if (d.decision !== 'UPHOLD') return { kind: 'resumed', at, whistleId: d.whistleId, assignmentId: d.assignmentId, completeBy: d.deadlines?.completeBy ?? null };
      const r = d.reassignedTo;
      return {
        kind: 'upheld',
        at,
        whistleId: d.whistleId,
        assignmentId: d.assignmentId,
        reassignedTo: r ? { assignmentId: r.assignmentId, departmentId: r.departmentId, role: r.role, completeBy: r.deadlines.completeBy } : null,
      };
    }
    case 'ExtensionDecided': {
      // Only an approved extension of the complete deadline scores (§7 judges that deadline alone).
      const d = e.data as ExtensionDecidedData;
      if (d.decision !== 'APPROVE' || d.kind !== 'COMPLETE' || Number.isNaN(Date.parse(d.until))) return undefined;
      return { kind: 'extended', at, whistleId: d.whistleId, assignmentId: d.assignmentId, completeBy: d.until, approvedAt: d.decidedAt ?? at, standing: d.standing === true };
    }
    case 'AssignmentsCancelled':
    case 'AssignmentsClosed': {
      const d = e.data as AssignmentsCancelledData | AssignmentsClosedData;
      return { kind: 'cancelled', at, whistleId: d.whistleId, assignmentIds: d.assignmentIds };
    }
    case 'WhistleWithdrawn':
      return { kind: 'withdrawn', at, whistleId: (e.data as WhistleWithdrawnData).whistleId };
    case 'WhistleConfirmed':
      return { kind: 'confirmed', at, whistleId: (e.data as WhistleConfirmedData).whistleId };
    case 'FeedbackGiven':
      return { kind: 'feedback', at, whistleId: (e.data as FeedbackGivenData).whistleId, rating: (e.data as FeedbackGivenData).rating, ...(e.eventId ? { feedbackId: e.eventId } : {}) };
    default:
      return undefined;
  }
}

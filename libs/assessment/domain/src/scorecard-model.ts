import type { Deduction } from './facts';
import type { ExtensionNote } from './projector-model';
import type { Grade, Rating } from './scoring-policy';

/** What one department's row is computed from, however it was gathered (pure fold or SQL). */
export interface DepartmentTally {
  onTime: number;
  late: number;
  missed: number;
  excluded: number;
  feedback: Record<Rating, number>;
  /** The latest rating (as of asOf) of each street for the department and period. */
  streetRatings: Array<{ streetId: string; score: number; revision: number; deductions: Deduction[]; ratingId?: string }>;
  /** Late and missed assignments, dissatisfied / basically satisfied feedback, as of asOf. */
  lost: LostItem[];
}

export type LostItem =
  | { kind: 'LATE' | 'MISSED' | 'CLOSED'; whistleId: string; assignmentId: string; completeBy: string; completedAt: string | null; extensions?: ExtensionNote[] }
  | { kind: 'FEEDBACK'; whistleId: string; rating: Rating; feedbackId?: string };

export type Explanation =
  | {
      component: 'completion';
      kind: 'LATE' | 'MISSED' | 'CLOSED';
      whistleId: string;
      assignmentId: string;
      deadline: string;
      completedAt: string | null;
      pointsLost: number;
      componentImpact: number;
      message: string;
      /** The approved extensions of its complete deadline (延期, contract §11), when it had any. */
      extensions?: ExtensionNote[];
    }
  | { component: 'satisfaction'; kind: 'FEEDBACK'; whistleId: string; feedbackId?: string; rating: Rating; pointsLost: number; componentImpact: number; message: string }
  | { component: 'perception'; kind: 'DEDUCTION'; streetId: string; streetName: string; ratingId?: string; deductionIndex?: number; revision: number; points: number; reason: string; pointsLost: number; componentImpact: number; message: string };

export interface ScorecardRow {
  departmentId: string;
  name: string;
  completion: { score: number | null; counted: number; onTime: number; late: number; missed: number; excluded: number };
  satisfaction: { score: number | null; responses: number };
  perception: { score: number | null; ratings: number };
  total: number | null;
  grade: Grade | null;
  rank: number | null;
  /** Fewer than the policy's `minimumSample` counted assignments: the numbers stand, no rank (样本不足, contract §12). */
  insufficientSample: boolean;
  explanations: Explanation[];
}

export interface Scorecard {
  period: string;
  policyVersion: number;
  asOf: string;
  rows: ScorecardRow[];
}

export interface Named {
  id: string;
  name: string;
}

export const emptyTally = (): DepartmentTally => ({ onTime: 0, late: 0, missed: 0, excluded: 0, feedback: { SATISFIED: 0, BASICALLY_SATISFIED: 0, DISSATISFIED: 0 }, streetRatings: [], lost: [] });


/** Integration events recorded by assessment, published on TOPICS.assessmentEvents. */
export interface Deduction {
  points: number;
  reason: string;
}
export interface StreetRatedData {
  streetId: string;
  departmentId: string;
  period: string;
  deductions: Deduction[];
  score: number;
  comment: string | null;
  revision: number;
}
export interface PeriodClosedData {
  period: string;
  closedAt: string;
}
/**
 * A scoring policy version (contract §12), stream `policy-assessment`, key `policy-assessment`.
 * Numbers that score are decimal strings. Dispatch reads `extensionCap` from it.
 */
export interface ScoringPolicyPublishedData {
  version: number;
  effectiveFrom: string;
  weights: { completion: string; satisfaction: string; perception: string };
  credits: { onTime: string; late: string; missed: string };
  feedbackScores: { SATISFIED: number; BASICALLY_SATISFIED: number; DISSATISFIED: number };
  grades: Array<{ grade: 'EXCELLENT' | 'GOOD'; min: string; name: string }>;
  otherwise: { grade: 'AVERAGE'; name: string };
  rounding: { mode: 'HALF_UP'; decimals: number };
  minimumSample: number;
  appealWindowDays: number;
  extensionCap: number;
  annualShare: string;
  annualFrom: 'QUARTERS' | 'MONTHS';
}
export type AppealKind = 'DEADLINE' | 'RATING' | 'SATISFACTION';
/** What an appeal contests (contract §11): one of the ids, with its kind. `deductionIndex` (an extension) names one deduction of a rating. */
export interface AppealTarget {
  kind: AppealKind;
  assignmentId?: string;
  ratingId?: string;
  feedbackId?: string;
  deductionIndex?: number;
}
/** 考核申诉 filed by a department, stream `appeal-<appealId>`. */
export interface AppealFiledData {
  appealId: string;
  period: string;
  departmentId: string;
  target: AppealTarget;
  reason: string;
  evidence: string[];
}
/** The assessment office's decision on an appeal (same stream). */
export interface AppealDecidedData {
  appealId: string;
  period: string;
  departmentId: string;
  target: AppealTarget;
  decision: 'UPHOLD' | 'REJECT';
  reason: string;
}
export type AssessmentEvent =
  | { type: 'StreetRated'; data: StreetRatedData }
  | { type: 'PeriodClosed'; data: PeriodClosedData }
  | { type: 'ScoringPolicyPublished'; data: ScoringPolicyPublishedData }
  | { type: 'AppealFiled'; data: AppealFiledData }
  | { type: 'AppealDecided'; data: AppealDecidedData };

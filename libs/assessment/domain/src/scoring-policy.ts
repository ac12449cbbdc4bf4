/**
 * The scoring policy is versioned DATA (contract §7, like the triage policy): weights, credits,
 * feedback scores, grade thresholds and rounding. Numbers are decimal strings so that the scoring
 * is exact (see decimal.ts).
 */
export type Rating = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED';
export type Grade = 'EXCELLENT' | 'GOOD' | 'AVERAGE';

export const RATINGS: readonly Rating[] = ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'];

export interface ScoringPolicy {
  version: number;
  /** 50/20/30: 完成度 / 满意度 / 感知度. A component with no data is dropped and the rest rescaled to sum 1. */
  weights: { completion: string; satisfaction: string; perception: string };
  /** Credit of an assignment: completed by its complete deadline, completed late, open after its deadline. */
  credits: { onTime: string; late: string; missed: string };
  /** Score of each public feedback rating. */
  feedbackScores: Record<Rating, number>;
  /** Highest first: the first whose `min` the rounded total reaches; else `otherwise`. */
  grades: Array<{ grade: Exclude<Grade, 'AVERAGE'>; min: string; name: string }>;
  otherwise: { grade: 'AVERAGE'; name: string };
  rounding: { mode: 'HALF_UP'; decimals: number };
  /**
   * Fair ranking (contract §12): a department with fewer counted assignments than this gets its
   * numbers but `rank: null, insufficientSample: true` (样本不足); ranks go to the others only.
   * Absent in versions published before it existed: {@link DEFAULT_MINIMUM_SAMPLE}.
   */
  minimumSample?: number;
}

export const DEFAULT_MINIMUM_SAMPLE = 5;
export const minimumSampleOf = (policy: ScoringPolicy): number => policy.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;

/** The contract's default policy v1 (§7). */
export const SCORING_POLICY_V1: ScoringPolicy = Object.freeze({
  version: 1,
  weights: { completion: '0.5', satisfaction: '0.2', perception: '0.3' },
  credits: { onTime: '1', late: '0.5', missed: '0' },
  feedbackScores: { SATISFIED: 100, BASICALLY_SATISFIED: 80, DISSATISFIED: 0 },
  grades: [
    { grade: 'EXCELLENT', min: '90', name: '优秀' },
    { grade: 'GOOD', min: '75', name: '良好' },
  ],
  otherwise: { grade: 'AVERAGE', name: '一般' },
  rounding: { mode: 'HALF_UP', decimals: 2 },
  minimumSample: DEFAULT_MINIMUM_SAMPLE,
}) as ScoringPolicy;

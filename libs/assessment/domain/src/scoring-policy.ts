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
  /**
   * The period from whose start this version applies (contract §12): a period is scored under the
   * version in force at its start. Absent for v1 (in force since always).
   */
  effectiveFrom?: string;
  /** Days after a period's closing during which a department may appeal a lost point (contract §11). */
  appealWindowDays?: number;
  /** Extensions a department may get per assignment (contract §11). */
  extensionCap?: number;
  /** Share of the department's annual performance grade this assessment carries (decimal, default "0.30"). */
  annualShare?: string;
  /** What the annual grade is made of: the year's quarters or its months. */
  annualFrom?: AnnualFrom;
}

export type AnnualFrom = 'QUARTERS' | 'MONTHS';

const DEFAULT_MINIMUM_SAMPLE = 5;
const DEFAULT_APPEAL_WINDOW_DAYS = 10;
const DEFAULT_EXTENSION_CAP = 2;
const DEFAULT_ANNUAL_SHARE = '0.30';
const DEFAULT_ANNUAL_FROM: AnnualFrom = 'QUARTERS';

/** A version with every field added since v1 filled with its default (versions published before a field existed read as the default). */
export function withPolicyDefaults(policy: ScoringPolicy): Required<Omit<ScoringPolicy, 'effectiveFrom'>> & { effectiveFrom?: string } {
  return {
    ...policy,
    minimumSample: policy.minimumSample ?? DEFAULT_MINIMUM_SAMPLE,
    appealWindowDays: policy.appealWindowDays ?? DEFAULT_APPEAL_WINDOW_DAYS,
    extensionCap: policy.extensionCap ?? DEFAULT_EXTENSION_CAP,
    annualShare: policy.annualShare ?? DEFAULT_ANNUAL_SHARE,
    annualFrom: policy.annualFrom ?? DEFAULT_ANNUAL_FROM,
  };
}
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
  appealWindowDays: DEFAULT_APPEAL_WINDOW_DAYS,
  extensionCap: DEFAULT_EXTENSION_CAP,
  annualShare: DEFAULT_ANNUAL_SHARE,
  annualFrom: DEFAULT_ANNUAL_FROM,
}) as ScoringPolicy;

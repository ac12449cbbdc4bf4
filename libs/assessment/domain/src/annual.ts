import { add, compare, div, mul, ratio, roundHalfUp, ZERO, type Ratio } from './decimal';
import type { Period } from './period';
import { gradeOf } from './scorecard';
import type { Named } from './scorecard-model';
import { withPolicyDefaults, type Grade, type ScoringPolicy } from './scoring-policy';

/**
 * The annual grade (contract §12): a department's year score is the mean of its period totals
 * (quarters or months, per the policy's `annualFrom`) weighted by the assignments each period
 * counted; graded and ranked like a scorecard (minimumSample on the year's counted assignments),
 * and `annualContribution` = score × annualShare. Pure.
 */
export interface PeriodNumbers {
  period: string;
  policyVersion: number;
  asOf: string;
  closedAt: string | null;
  /** The scorecard version used (amended versions of a closed period: the latest). */
  version: number;
  rows: ReadonlyArray<{ departmentId: string; total: number | null; completion: { counted: number } }>;
}

export interface AnnualRow {
  departmentId: string;
  name: string;
  /** Σ total·counted / Σ counted over the periods with a total and counted assignments; null without any. */
  score: number | null;
  counted: number;
  grade: Grade | null;
  rank: number | null;
  insufficientSample: boolean;
  annualContribution: number | null;
  periods: Array<{ period: string; total: number | null; counted: number }>;
}

export interface AnnualReport {
  year: number;
  policyVersion: number;
  annualShare: string;
  annualFrom: 'QUARTERS' | 'MONTHS';
  periods: Array<Omit<PeriodNumbers, 'rows'>>;
  rows: AnnualRow[];
}

/** The periods the annual grade of `year` is made of under `policy`. */
export function annualPeriodKeys(year: number, policy: ScoringPolicy): string[] {
  return withPolicyDefaults(policy).annualFrom === 'MONTHS'
    ? Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
    : [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
}

const collator = new Intl.Collator('zh-Hans-CN');

export function computeAnnual(input: { year: Period; policy: ScoringPolicy; periods: readonly PeriodNumbers[]; departments: readonly Named[] }): AnnualReport {
  const policy = withPolicyDefaults(input.policy);
  const decimals = policy.rounding.decimals;
  const share = ratio(policy.annualShare);
  const rows = input.departments.map((d) => {
    let weighted: Ratio = ZERO;
    let counted = 0;
    const periods = input.periods.map((p) => {
      const r = p.rows.find((x) => x.departmentId === d.id);
      const total = r?.total ?? null;
      const n = r?.completion.counted ?? 0;
      if (total !== null && n > 0) {
        weighted = add(weighted, mul(ratio(String(total)), ratio(n)));
        counted += n;
      }
      return { period: p.period, total, counted: n };
    });
    const score = counted > 0 ? roundHalfUp(div(weighted, ratio(counted)), decimals) : null;
    const row: AnnualRow & { scoreRatio: Ratio | null } = {
      departmentId: d.id,
      name: d.name,
      score: score === null ? null : Number(score),
      counted,
      grade: score === null ? null : gradeOf(score, policy),
      rank: null,
      insufficientSample: counted < policy.minimumSample,
      annualContribution: score === null ? null : Number(roundHalfUp(mul(ratio(score), share), decimals)),
      periods,
      scoreRatio: score === null ? null : ratio(score),
    };
    return row;
  });
  const tier = (r: { scoreRatio: Ratio | null; insufficientSample: boolean }) => (!r.scoreRatio ? 2 : r.insufficientSample ? 1 : 0);
  rows.sort((a, b) => tier(a) - tier(b) || (a.scoreRatio && b.scoreRatio ? compare(b.scoreRatio, a.scoreRatio) : 0) || collator.compare(a.name, b.name) || (a.departmentId < b.departmentId ? -1 : 1));
  rows.forEach((r, i) => {
    if (tier(r) !== 0) return;
    const prev = rows[i - 1];
    r.rank = prev && tier(prev) === 0 && compare(prev.scoreRatio as Ratio, r.scoreRatio as Ratio) === 0 ? prev.rank : i + 1;
  });
  return {
    year: input.year.year,
    policyVersion: policy.version,
    annualShare: policy.annualShare,
    annualFrom: policy.annualFrom,
    periods: input.periods.map(({ rows: _rows, ...p }) => p),
    rows: rows.map(({ scoreRatio: _s, ...r }) => r),
  };
}

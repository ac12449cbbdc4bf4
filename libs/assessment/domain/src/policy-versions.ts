import { compare, ratio, ZERO, add, type Ratio } from './decimal';
import { DEFAULT_TZ, parsePeriod, periodRange, type Period } from './period';
import { RATINGS, SCORING_POLICY_V1, withPolicyDefaults, type AnnualFrom, type Rating, type ScoringPolicy } from './scoring-policy';

/**
 * Scoring policy versions (contract §12): which version scores a period, and what a new version
 * may say. Pure.
 */
export interface PublishedPolicy {
  policy: ScoringPolicy;
  /** When it was published (ISO); v1 has none (in force since always). */
  publishedAt: string | null;
}

/** Start instant (ms) of the period a version applies from; v1 (no effectiveFrom) applies since always. */
function effectiveStart(p: ScoringPolicy, tz: string): number {
  const period = p.effectiveFrom ? parsePeriod(p.effectiveFrom) : undefined;
  return period ? periodRange(period, tz).start.getTime() : Number.NEGATIVE_INFINITY;
}

/**
 * The version that scores `period`: the version in force at the period's start — among the
 * versions published at or before `asOf` (so that the same asOf always gives the same version),
 * the highest-numbered one whose `effectiveFrom` starts at or before the period's start (a newer
 * version supersedes the older ones from its effectiveFrom on). v1 when none applies.
 */
export function policyFor(period: Period, asOf: Date, versions: readonly PublishedPolicy[], tz: string = DEFAULT_TZ): ScoringPolicy {
  const start = periodRange(period, tz).start.getTime();
  let best: ScoringPolicy = SCORING_POLICY_V1;
  for (const v of versions) {
    if (v.publishedAt !== null && Date.parse(v.publishedAt) > asOf.getTime()) continue;
    if (effectiveStart(v.policy, tz) > start) continue;
    if (v.policy.version > best.version) best = v.policy;
  }
  return { ...best, minimumSample: withPolicyDefaults(best).minimumSample };
}

export interface FieldError {
  field: string;
  message: string;
}

const DECIMAL = /^\d{1,3}(\.\d{1,6})?$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a policy to publish (the shape `GET /api/v1/assessment/policy` answers, without
 * `version`); every field left out takes the contract's default (v1's values), not the previous
 * version's. `effectiveFrom` must name a period that has not started at `now` (a period already
 * started keeps the version it started under). Numbers may be given as JSON numbers or decimal
 * strings; they are kept as decimal strings.
 */
export function validateScoringPolicy(
  input: Record<string, unknown>,
  now: Date,
  tz: string = DEFAULT_TZ,
): { ok: true; policy: Omit<ScoringPolicy, 'version'> } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const v1 = withPolicyDefaults(SCORING_POLICY_V1);
  const decimal = (value: unknown, field: string, min: Ratio, max: Ratio, fallback: string): string => {
    if (value === undefined) return fallback;
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string' || !DECIMAL.test(text)) {
      errors.push({ field, message: '应为十进制数 / must be a decimal number' });
      return fallback;
    }
    const r = ratio(text);
    if (compare(r, min) < 0 || compare(r, max) > 0) errors.push({ field, message: `应在 ${min.n / min.d} 与 ${max.n / max.d} 之间 / must be between ${min.n / min.d} and ${max.n / max.d}` });
    return text;
  };
  const integer = (value: unknown, field: string, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      errors.push({ field, message: `应为 ${min} 到 ${max} 的整数 / must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return value;
  };
  const object = (value: unknown, field: string): Record<string, unknown> => {
    if (value === undefined) return {};
    if (!isObject(value)) errors.push({ field, message: '应为对象 / must be an object' });
    return isObject(value) ? value : {};
  };
  const one = ratio(1);
  const hundred = ratio(100);

  let effectiveFrom = '';
  const period = typeof input.effectiveFrom === 'string' ? parsePeriod(input.effectiveFrom) : undefined;
  if (!period) errors.push({ field: 'effectiveFrom', message: '必填，考核期如 2027、2027-Q1 或 2027-01 / required: a period such as 2027, 2027-Q1 or 2027-01' });
  else if (periodRange(period, tz).start.getTime() <= now.getTime()) {
    errors.push({ field: 'effectiveFrom', message: '只能从尚未开始的考核期起生效 / must be a period that has not started yet' });
  } else effectiveFrom = period.key;

  const w = object(input.weights, 'weights');
  const weights = {
    completion: decimal(w.completion, 'weights.completion', ZERO, one, v1.weights.completion),
    satisfaction: decimal(w.satisfaction, 'weights.satisfaction', ZERO, one, v1.weights.satisfaction),
    perception: decimal(w.perception, 'weights.perception', ZERO, one, v1.weights.perception),
  };
  const sum = [weights.completion, weights.satisfaction, weights.perception].filter((x) => DECIMAL.test(x)).reduce((s, x) => add(s, ratio(x)), ZERO);
  if (!errors.some((e) => e.field.startsWith('weights')) && compare(sum, one) !== 0) errors.push({ field: 'weights', message: '三项权重之和必须为 1 / the weights must sum to 1' });

  const c = object(input.credits, 'credits');
  const credits = {
    onTime: decimal(c.onTime, 'credits.onTime', ZERO, one, v1.credits.onTime),
    late: decimal(c.late, 'credits.late', ZERO, one, v1.credits.late),
    missed: decimal(c.missed, 'credits.missed', ZERO, one, v1.credits.missed),
  };
  if (!errors.some((e) => e.field.startsWith('credits')) && (compare(ratio(credits.onTime), ratio(credits.late)) < 0 || compare(ratio(credits.late), ratio(credits.missed)) < 0)) {
    errors.push({ field: 'credits', message: '按时 ≥ 逾期办结 ≥ 超期未办 / onTime ≥ late ≥ missed' });
  }

  const f = object(input.feedbackScores, 'feedbackScores');
  const feedbackScores = Object.fromEntries(RATINGS.map((r) => [r, integer(f[r], `feedbackScores.${r}`, 0, 100, v1.feedbackScores[r])])) as Record<Rating, number>;

  let grades = v1.grades;
  if (input.grades !== undefined) {
    const list = Array.isArray(input.grades) ? input.grades : [];
    const byGrade = new Map(list.filter(isObject).map((g) => [g.grade, g]));
    if (list.length !== 2 || !byGrade.has('EXCELLENT') || !byGrade.has('GOOD')) {
      errors.push({ field: 'grades', message: '应为 EXCELLENT 与 GOOD 两档下限 / must list the EXCELLENT and GOOD thresholds' });
    } else {
      grades = (['EXCELLENT', 'GOOD'] as const).map((grade, i) => {
        const g = byGrade.get(grade) as Record<string, unknown>;
        const fallback = v1.grades[i];
        const name = typeof g.name === 'string' && g.name.trim() ? g.name.trim().normalize('NFC').slice(0, 20) : fallback.name;
        return { grade, min: decimal(g.min, `grades[${i}].min`, ZERO, hundred, fallback.min), name };
      });
      if (!errors.some((e) => e.field.startsWith('grades')) && compare(ratio(grades[0].min), ratio(grades[1].min)) <= 0) {
        errors.push({ field: 'grades', message: '优秀下限必须高于良好下限 / EXCELLENT must start above GOOD' });
      }
    }
  }
  const r = object(input.rounding, 'rounding');
  if (r.mode !== undefined && r.mode !== 'HALF_UP') errors.push({ field: 'rounding.mode', message: '只支持 HALF_UP / only HALF_UP' });
  const rounding = { mode: 'HALF_UP' as const, decimals: integer(r.decimals, 'rounding.decimals', 0, 4, v1.rounding.decimals) };

  const annualFrom = input.annualFrom ?? v1.annualFrom;
  if (annualFrom !== 'QUARTERS' && annualFrom !== 'MONTHS') errors.push({ field: 'annualFrom', message: '应为 QUARTERS 或 MONTHS / must be QUARTERS or MONTHS' });
  const policy: Omit<ScoringPolicy, 'version'> = {
    weights,
    credits,
    feedbackScores,
    grades,
    otherwise: v1.otherwise,
    rounding,
    minimumSample: integer(input.minimumSample, 'minimumSample', 0, 100000, v1.minimumSample),
    effectiveFrom,
    appealWindowDays: integer(input.appealWindowDays, 'appealWindowDays', 0, 366, v1.appealWindowDays),
    extensionCap: integer(input.extensionCap, 'extensionCap', 0, 20, v1.extensionCap),
    annualShare: decimal(input.annualShare, 'annualShare', ratio('0.000001'), one, v1.annualShare),
    annualFrom: annualFrom as AnnualFrom,
  };
  return errors.length ? { ok: false, errors } : { ok: true, policy };
}

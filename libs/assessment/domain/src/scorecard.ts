import { add, compare, div, mul, ratio, roundHalfUp, ZERO, type Ratio } from './decimal';
import type { AssessmentFact, Deduction, RatingFact, WhistleFact } from './facts';
import { monthKeys, DEFAULT_TZ, type Period } from './period';
import { applyFact, emptyWhistle, keyOf, outcomeAt } from './projector';
import type { ExtensionNote, WhistleState } from './projector-model';
import { minimumSampleOf, RATINGS, type Grade, type ScoringPolicy } from './scoring-policy';
import { emptyTally, type DepartmentTally, type Explanation, type LostItem, type Named, type Scorecard, type ScorecardRow } from './scorecard-model';

const collator = new Intl.Collator('zh-Hans-CN');

/** Every approved extension named (contract §11): "；延期至 … 经指挥中心批准 / extended to … approved". */
function extensionsText(extensions: readonly ExtensionNote[] | undefined): { zh: string; en: string } {
  if (!extensions?.length) return { zh: '', en: '' };
  return {
    zh: extensions.map((x) => `；延期至 ${x.until}，经指挥中心批准（${x.approvedAt}）`).join(''),
    en: extensions.map((x) => `; extended to ${x.until}, approved by the command center ${x.approvedAt}`).join(''),
  };
}
const withExtensions = (extensions: ExtensionNote[] | undefined) => (extensions?.length ? { extensions } : {});
const num = (s: string | null) => (s === null ? null : Number(s));

/** The grade of a ROUNDED total (so 89.995 → 90.00 → EXCELLENT). */
export function gradeOf(total: string, policy: ScoringPolicy): Grade {
  const t = ratio(total);
  for (const g of policy.grades) if (compare(t, ratio(g.min)) >= 0) return g.grade;
  return policy.otherwise.grade;
}

/**
 * The weighted total of the ROUNDED component scores (so anyone can recompute it from the sheet):
 * null components are dropped and the remaining weights rescaled to sum 1; rounded half up.
 */
export function totalOf(components: { completion: string | null; satisfaction: string | null; perception: string | null }, policy: ScoringPolicy): string | null {
  let weighted: Ratio = ZERO;
  let weights: Ratio = ZERO;
  for (const c of ['completion', 'satisfaction', 'perception'] as const) {
    const v = components[c];
    if (v === null) continue;
    const w = ratio(policy.weights[c]);
    weighted = add(weighted, mul(w, ratio(v)));
    weights = add(weights, w);
  }
  if (weights.n === 0n) return null;
  return roundHalfUp(div(weighted, weights), policy.rounding.decimals);
}

const rounded = (r: Ratio, policy: ScoringPolicy) => roundHalfUp(r, policy.rounding.decimals);

/** Turns per-department tallies into the contract's rows: scores, totals, grades, ranks, explanations. */
export function scoreTallies(input: {
  period: string;
  asOf: Date;
  policy: ScoringPolicy;
  departments: readonly Named[];
  streets: readonly Named[];
  tallies: ReadonlyMap<string, DepartmentTally>;
}): Scorecard {
  const { policy } = input;
  const streetName = new Map(input.streets.map((s) => [s.id, s.name]));
  const hundred = ratio(100);
  const rows: Array<ScorecardRow & { totalRatio: Ratio | null }> = input.departments.map((d) => {
    const t = input.tallies.get(d.id) ?? emptyTally();
    const counted = t.onTime + t.late + t.missed;
    const credit = add(add(mul(ratio(t.onTime), ratio(policy.credits.onTime)), mul(ratio(t.late), ratio(policy.credits.late))), mul(ratio(t.missed), ratio(policy.credits.missed)));
    const completion = counted === 0 ? null : rounded(div(mul(hundred, credit), ratio(counted)), policy);
    const responses = RATINGS.reduce((s, r) => s + t.feedback[r], 0);
    const fbSum = RATINGS.reduce((s, r) => add(s, ratio(t.feedback[r] * policy.feedbackScores[r])), ZERO);
    const satisfaction = responses === 0 ? null : rounded(div(fbSum, ratio(responses)), policy);
    const nRatings = t.streetRatings.length;
    const perception = nRatings === 0 ? null : rounded(div(ratio(t.streetRatings.reduce((s, r) => s + r.score, 0)), ratio(nRatings)), policy);
    const total = totalOf({ completion, satisfaction, perception }, policy);

    const explanations: Explanation[] = [];
    // per-kind amounts are the same for every item of a department: computed once
    const perKind = new Map<string, { lost: string; impact: number }>();
    // (`lost` is a thunk: the exact arithmetic runs once per kind, not once per item)
    const amounts = (kind: string, lostOf: () => Ratio, n: number) => {
      let a = perKind.get(kind);
      if (!a) {
        const lost = lostOf();
        perKind.set(kind, (a = { lost: rounded(lost, policy), impact: Number(rounded(div(lost, ratio(n)), policy)) }));
      }
      return a;
    };
    const completionLost = (kind: 'LATE' | 'MISSED') => mul(hundred, add(ratio(1), mul(ratio(-1), ratio(kind === 'LATE' ? policy.credits.late : policy.credits.missed))));
    const sortKey = (x: LostItem) => (x.kind === 'FEEDBACK' ? `1${x.whistleId}` : `0${x.completeBy}${x.assignmentId}`);
    const items = t.lost.map((x) => [sortKey(x), x] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, item] of items) {
      if (item.kind === 'FEEDBACK') {
        const { lost, impact } = amounts(item.rating, () => ratio(100 - policy.feedbackScores[item.rating]), responses);
        const ratingName = item.rating === 'DISSATISFIED' ? '不满意' : item.rating === 'BASICALLY_SATISFIED' ? '基本满意' : '满意';
        explanations.push({
          component: 'satisfaction',
          kind: 'FEEDBACK',
          whistleId: item.whistleId,
          ...(item.feedbackId ? { feedbackId: item.feedbackId } : {}),
          rating: item.rating,
          pointsLost: Number(lost),
          componentImpact: impact,
          message: `哨件 ${item.whistleId} 群众评价“${ratingName}”，该条扣 ${lost} 分 / feedback ${item.rating} on whistle ${item.whistleId}: ${lost} points lost`,
        });
      } else if (item.kind === 'CLOSED') {
        const ext = extensionsText(item.extensions);
        explanations.push({
          component: 'completion',
          kind: 'CLOSED',
          whistleId: item.whistleId,
          assignmentId: item.assignmentId,
          deadline: item.completeBy,
          completedAt: null,
          pointsLost: 0,
          componentImpact: 0,
          message: `哨件 ${item.whistleId} 随哨件关闭：派单在办结时限 ${item.completeBy} 之前随哨件关闭，不计入完成度${ext.zh} / closed with the whistle before its deadline ${item.completeBy}: not counted${ext.en}`,
          ...withExtensions(item.extensions),
        });
      } else {
        const kind = item.kind;
        const { lost, impact } = amounts(kind, () => completionLost(kind), counted);
        const when = item.completedAt ?? '未办结 open';
        const ext = extensionsText(item.extensions);
        explanations.push({
          component: 'completion',
          kind: item.kind,
          whistleId: item.whistleId,
          assignmentId: item.assignmentId,
          deadline: item.completeBy,
          completedAt: item.completedAt,
          pointsLost: Number(lost),
          componentImpact: impact,
          message:
            item.kind === 'LATE'
              ? `哨件 ${item.whistleId} 逾期办结：办结时限 ${item.completeBy}，办结于 ${when}${ext.zh} / completed late: due ${item.completeBy}, completed ${when}${ext.en}`
              : `哨件 ${item.whistleId} 超期未办结：办结时限 ${item.completeBy}，截至考核时点仍未办结${ext.zh} / missed: due ${item.completeBy}, still open${ext.en}`,
          ...withExtensions(item.extensions),
        });
      }
    }
    const ratingsSorted = [...t.streetRatings].sort((a, b) => collator.compare(streetName.get(a.streetId) ?? a.streetId, streetName.get(b.streetId) ?? b.streetId));
    for (const r of ratingsSorted) {
      const name = streetName.get(r.streetId) ?? r.streetId;
      for (const [deductionIndex, dd] of r.deductions.entries()) {
        explanations.push({
          component: 'perception',
          kind: 'DEDUCTION',
          streetId: r.streetId,
          streetName: name,
          ...(r.ratingId ? { ratingId: r.ratingId, deductionIndex: (dd as Deduction & { index?: number }).index ?? deductionIndex } : {}),
          revision: r.revision,
          points: dd.points,
          reason: dd.reason,
          pointsLost: dd.points,
          componentImpact: Number(rounded(div(ratio(dd.points), ratio(nRatings)), policy)),
          message: `${name}扣 ${dd.points} 分：${dd.reason} / ${name} deducted ${dd.points} points: ${dd.reason}`,
        });
      }
    }
    return {
      departmentId: d.id,
      name: d.name,
      completion: { score: num(completion), counted, onTime: t.onTime, late: t.late, missed: t.missed, excluded: t.excluded },
      satisfaction: { score: num(satisfaction), responses },
      perception: { score: num(perception), ratings: nRatings },
      total: num(total),
      grade: total === null ? null : gradeOf(total, policy),
      rank: null,
      insufficientSample: counted < minimumSampleOf(policy),
      explanations,
      totalRatio: total === null ? null : ratio(total),
    };
  });
  // Ranked first (by total), then the rows with too small a sample (by total: numbers, no rank),
  // then the rows without a total; ties by name.
  const tier = (r: { totalRatio: Ratio | null; insufficientSample: boolean }) => (!r.totalRatio ? 2 : r.insufficientSample ? 1 : 0);
  rows.sort((a, b) => {
    const t = tier(a) - tier(b);
    if (t !== 0) return t;
    if (a.totalRatio && b.totalRatio) {
      const c = compare(b.totalRatio, a.totalRatio);
      if (c !== 0) return c;
    }
    return collator.compare(a.name, b.name) || (a.departmentId < b.departmentId ? -1 : 1);
  });
  // Ranks among the departments with a total and a sufficient sample only (1, 1, 3 on ties).
  rows.forEach((r, i) => {
    if (tier(r) !== 0) return;
    const prev = rows[i - 1];
    r.rank = prev && tier(prev) === 0 && prev.totalRatio && r.totalRatio && compare(prev.totalRatio, r.totalRatio) === 0 ? prev.rank : i + 1;
  });
  return {
    period: input.period,
    policyVersion: policy.version,
    asOf: input.asOf.toISOString(),
    rows: rows.map(({ totalRatio: _t, ...row }) => row),
  };
}

/** Latest revision (as of asOf) of each street's rating of each department for exactly this period. */
function latestRatings(ratings: readonly RatingFact[], period: string, asOf: Date): RatingFact[] {
  const asOfKey = keyOf(asOf);
  const latest = new Map<string, RatingFact>();
  for (const r of ratings) {
    if (r.period !== period || keyOf(r.at) > asOfKey) continue;
    const k = `${r.streetId}|${r.departmentId}`;
    const cur = latest.get(k);
    if (!cur || r.revision > cur.revision) latest.set(k, r);
  }
  return [...latest.values()];
}

/**
 * Contract §7, from the facts: the scorecard of `period` as of `asOf` under `policy`, with periods
 * in zone `tz`. Pure and deterministic: the same facts, period, asOf and policy give the same
 * output. The service computes the same tallies in SQL from the projection; both share
 * {@link applyFact} and {@link scoreTallies}.
 */
export function computeScorecard(
  facts: readonly AssessmentFact[],
  period: Period,
  asOf: Date,
  policy: ScoringPolicy,
  catalog: { departments: readonly Named[]; streets: readonly Named[] },
  tz: string = DEFAULT_TZ,
): Scorecard {
  return scoreTallies({ period: period.key, asOf, policy, departments: catalog.departments, streets: catalog.streets, tallies: tallyFacts(facts, period, asOf, tz) });
}

/** The per-department tallies of `period` as of `asOf`, folded from the facts (the pure twin of the SQL reader). */
export function tallyFacts(facts: readonly AssessmentFact[], period: Period, asOf: Date, tz: string = DEFAULT_TZ): Map<string, DepartmentTally> {
  const asOfKey = keyOf(asOf);
  const months = new Set(monthKeys(period));
  const whistles = new Map<string, WhistleState>();
  const ratings: RatingFact[] = [];
  for (const f of facts) {
    if (f.kind === 'rated') {
      ratings.push(f);
      continue;
    }
    if (keyOf(f.at) > asOfKey) continue;
    let w = whistles.get(f.whistleId);
    if (!w) whistles.set(f.whistleId, (w = emptyWhistle(f.whistleId)));
    applyFact(w, f as WhistleFact, tz);
  }
  const tallies = new Map<string, DepartmentTally>();
  const tally = (id: string) => {
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = emptyTally()));
    return t;
  };
  for (const w of whistles.values()) {
    for (const a of w.assignments) {
      if (!months.has(a.month)) continue;
      const t = tally(a.departmentId);
      const o = outcomeAt(a, asOfKey);
      if (o === 'ON_TIME') t.onTime += 1;
      else if (o === 'LATE') t.late += 1;
      else if (o === 'MISSED') t.missed += 1;
      else t.excluded += 1;
      if (o === 'LATE' || o === 'MISSED') t.lost.push({ kind: o, whistleId: w.whistleId, assignmentId: a.assignmentId, completeBy: a.completeBy, completedAt: a.completedAt, ...withExtensions(a.extensions) });
      else if (a.excluded === 'CLOSED') t.lost.push({ kind: 'CLOSED', whistleId: w.whistleId, assignmentId: a.assignmentId, completeBy: a.completeBy, completedAt: null, ...withExtensions(a.extensions) });
    }
    if (w.feedback && months.has(w.feedback.month)) {
      const t = tally(w.feedback.departmentId);
      t.feedback[w.feedback.rating] += 1;
      if (w.feedback.rating !== 'SATISFIED') t.lost.push({ kind: 'FEEDBACK', whistleId: w.whistleId, rating: w.feedback.rating, ...(w.feedback.feedbackId ? { feedbackId: w.feedback.feedbackId } : {}) });
    }
  }
  for (const r of latestRatings(ratings, period.key, asOf)) {
    tally(r.departmentId).streetRatings.push({ streetId: r.streetId, score: r.score, revision: r.revision, deductions: r.deductions, ...(r.ratingId ? { ratingId: r.ratingId } : {}) });
  }
  return tallies;
}


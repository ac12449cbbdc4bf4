import type { AppealFiledData, AppealDecidedData, AppealTarget } from '@chuishao/assessment-contracts';
import type { AssessmentFact, Deduction } from './facts';
import { DEFAULT_TZ, type Period } from './period';
import { scoreTallies, tallyFacts } from './scorecard';
import type { DepartmentTally, Explanation, LostItem, Named, Scorecard } from './scorecard-model';
import type { ScoringPolicy } from './scoring-policy';

/**
 * 考核申诉 (contract §11), pure: the decider of an appeal's stream and the restoration of the
 * points upheld appeals give back.
 */
export type AppealEvent = { type: 'AppealFiled'; data: AppealFiledData } | { type: 'AppealDecided'; data: AppealDecidedData };
export type AppealStatus = 'PENDING' | 'UPHELD' | 'REJECTED';

export interface AppealState {
  filed: AppealFiledData | null;
  status: AppealStatus | null;
}

export const initialAppeal = (): AppealState => ({ filed: null, status: null });

export function evolveAppeal(state: AppealState, event: AppealEvent): AppealState {
  switch (event.type) {
    case 'AppealFiled':
      return { filed: event.data, status: 'PENDING' };
    case 'AppealDecided':
      return { ...state, status: event.data.decision === 'UPHOLD' ? 'UPHELD' : 'REJECTED' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Why a command is refused, as the HTTP answer will say it. */
export interface AppealRefusal {
  refused: 'INVALID' | 'FORBIDDEN' | 'CONFLICT' | 'NOT_FOUND';
  message: string;
  field?: string;
}

/** What the handler found out about the target before deciding (read from the scorecard as it stands). */
export interface TargetFinding {
  /** The target is a lost point on this department's row of the period (not yet restored). */
  lostPoint: boolean;
  /** Which department the target belongs to, if it exists at all. */
  ownerDepartmentId: string | null;
  /** Already restored on an upheld appeal. */
  restoredBy: string | null;
  /** Another appeal on the same target is pending. */
  pendingAppealId: string | null;
}

export interface FileAppeal extends AppealFiledData {
  now: Date;
  /** The closing that applies to the period, if any. */
  closedAt: Date | null;
  appealWindowDays: number;
  finding: TargetFinding;
}

const ID_OF: Record<AppealTarget['kind'], 'assignmentId' | 'ratingId' | 'feedbackId'> = { DEADLINE: 'assignmentId', RATING: 'ratingId', SATISFACTION: 'feedbackId' };

/** The id a target names (exactly the one matching its kind), or a refusal. */
export function targetIdOf(target: AppealTarget): string | AppealRefusal {
  const wanted = ID_OF[target.kind];
  const given = (['assignmentId', 'ratingId', 'feedbackId'] as const).filter((k) => target[k] !== undefined);
  if (given.length !== 1 || given[0] !== wanted) {
    return { refused: 'INVALID', field: 'target', message: `${target.kind} 申诉须且只须给出 ${wanted} / a ${target.kind} appeal names exactly its ${wanted}` };
  }
  if (target.deductionIndex !== undefined && target.kind !== 'RATING') return { refused: 'INVALID', field: 'target.deductionIndex', message: '只用于 RATING 申诉 / RATING appeals only' };
  return target[wanted] as string;
}

/** The last instant a department may appeal a point of a period closed at `closedAt`. */
export const appealDeadline = (closedAt: Date, windowDays: number): Date => new Date(closedAt.getTime() + windowDays * 86_400_000);

/** File an appeal: own lost points only, until the policy's window after the period's closing. */
export function decideFileAppeal(state: AppealState, c: FileAppeal): AppealEvent[] | AppealRefusal {
  if (state.filed) return { refused: 'CONFLICT', message: '申诉已存在 / the appeal exists already' };
  const id = targetIdOf(c.target);
  if (typeof id !== 'string') return id;
  if (c.closedAt && c.now.getTime() > appealDeadline(c.closedAt, c.appealWindowDays).getTime()) {
    const until = appealDeadline(c.closedAt, c.appealWindowDays).toISOString();
    return { refused: 'CONFLICT', message: `考核期 ${c.period} 的申诉期已于 ${until} 结束（关闭后 ${c.appealWindowDays} 天）/ the appeal window of ${c.period} ended at ${until}` };
  }
  const f = c.finding;
  if (f.ownerDepartmentId && f.ownerDepartmentId !== c.departmentId) return { refused: 'FORBIDDEN', message: '只能对本部门的失分申诉 / a department appeals its own lost points only' };
  if (f.restoredBy) return { refused: 'CONFLICT', field: 'target', message: `该失分已经申诉 ${f.restoredBy} 恢复 / already restored on appeal ${f.restoredBy}` };
  if (f.pendingAppealId) return { refused: 'CONFLICT', field: 'target', message: `该失分已有待处理的申诉 ${f.pendingAppealId} / appeal ${f.pendingAppealId} on it is pending` };
  if (!f.lostPoint) return { refused: 'INVALID', field: 'target', message: `不是本部门在 ${c.period} 的失分 / not a lost point of the department in ${c.period}` };
  return [{ type: 'AppealFiled', data: { appealId: c.appealId, period: c.period, departmentId: c.departmentId, target: c.target, reason: c.reason, evidence: c.evidence } }];
}

/** Decide a pending appeal (the assessment office). */
export function decideAppealDecision(state: AppealState, c: { decision: 'UPHOLD' | 'REJECT'; reason: string }): AppealEvent[] | AppealRefusal {
  if (!state.filed) return { refused: 'NOT_FOUND', message: '没有这个申诉 / no such appeal' };
  if (state.status !== 'PENDING') return { refused: 'CONFLICT', message: `申诉已裁决（${state.status}）/ the appeal was decided already` };
  const f = state.filed;
  return [{ type: 'AppealDecided', data: { appealId: f.appealId, period: f.period, departmentId: f.departmentId, target: f.target, decision: c.decision, reason: c.reason } }];
}

// ---- restoring the points -----------------------------------------------------------------------

export interface UpheldAppeal {
  appealId: string;
  departmentId: string;
  target: AppealTarget;
  decidedAt: string;
}

/** An explanation of a point given back, with the appeal that gave it. */
export type RestoredExplanation = Explanation & { restoredOnAppeal: string };

const KIND_ZH: Record<string, string> = { LATE: '逾期办结', MISSED: '超期未办', BASICALLY_SATISFIED: '基本满意', DISSATISFIED: '不满意' };

function matches(item: LostItem, target: AppealTarget): boolean {
  if (target.kind === 'DEADLINE') return item.kind !== 'FEEDBACK' && item.kind !== 'CLOSED' && item.assignmentId === target.assignmentId;
  return target.kind === 'SATISFACTION' && item.kind === 'FEEDBACK' && item.feedbackId === target.feedbackId;
}

/**
 * Applies upheld appeals to the tallies (mutated): a DEADLINE point scores as on time (its credit
 * restored), a SATISFACTION response no longer counts, a RATING deduction no longer counts (the
 * street's score goes back up by its points). `targets` are the lost items the appeals name, as
 * they stand at the scorecard's asOf, with their department (an item that is no longer lost —
 * completed since, say — restores nothing). Returns the explanations of the restored points per
 * department, in decision order.
 */
export function applyUpheldAppeals(
  tallies: Map<string, DepartmentTally>,
  appeals: readonly UpheldAppeal[],
  targets: ReadonlyArray<{ departmentId: string; item: LostItem }>,
  streetName: (id: string) => string,
): Map<string, RestoredExplanation[]> {
  const restored = new Map<string, RestoredExplanation[]>();
  const push = (departmentId: string, e: RestoredExplanation) => {
    const list = restored.get(departmentId) ?? [];
    list.push(e);
    restored.set(departmentId, list);
  };
  const ordered = [...appeals].sort((a, b) => (a.decidedAt === b.decidedAt ? (a.appealId < b.appealId ? -1 : 1) : a.decidedAt < b.decidedAt ? -1 : 1));
  for (const appeal of ordered) {
    const t = tallies.get(appeal.departmentId);
    if (!t) continue;
    const id = appeal.appealId;
    if (appeal.target.kind === 'RATING') {
      const rating = t.streetRatings.find((r) => r.ratingId === appeal.target.ratingId);
      if (!rating) continue;
      const indexed = rating.deductions.map((d, i) => ({ ...d, index: (d as Deduction & { index?: number }).index ?? i }));
      const gone = indexed.filter((d) => appeal.target.deductionIndex === undefined || d.index === appeal.target.deductionIndex);
      if (gone.length === 0) continue;
      rating.deductions = indexed.filter((d) => !gone.includes(d));
      rating.score = Math.min(100, rating.score + gone.reduce((s, d) => s + d.points, 0));
      const name = streetName(rating.streetId);
      for (const d of gone) {
        push(appeal.departmentId, {
          component: 'perception',
          kind: 'DEDUCTION',
          streetId: rating.streetId,
          streetName: name,
          ratingId: rating.ratingId,
          deductionIndex: d.index,
          revision: rating.revision,
          points: d.points,
          reason: d.reason,
          pointsLost: 0,
          componentImpact: 0,
          restoredOnAppeal: id,
          message: `${name}扣 ${d.points} 分（${d.reason}）经申诉 ${id} 撤销，不再计入 / restored on appeal ${id}: ${name}'s deduction of ${d.points} points no longer counts`,
        });
      }
      continue;
    }
    const found = targets.find((x) => x.departmentId === appeal.departmentId && matches(x.item, appeal.target));
    if (!found) continue;
    const item = found.item;
    t.lost = t.lost.filter((x) => !matches(x, appeal.target));
    if (item.kind === 'FEEDBACK') {
      if (t.feedback[item.rating] <= 0) continue;
      t.feedback[item.rating] -= 1;
      push(appeal.departmentId, {
        component: 'satisfaction',
        kind: 'FEEDBACK',
        whistleId: item.whistleId,
        ...(item.feedbackId ? { feedbackId: item.feedbackId } : {}),
        rating: item.rating,
        pointsLost: 0,
        componentImpact: 0,
        restoredOnAppeal: id,
        message: `哨件 ${item.whistleId} 群众评价“${KIND_ZH[item.rating]}”经申诉 ${id} 不再计入满意度 / restored on appeal ${id}: feedback ${item.rating} on whistle ${item.whistleId} no longer counts`,
      });
    } else if (item.kind === 'LATE' || item.kind === 'MISSED') {
      const column = item.kind === 'LATE' ? 'late' : 'missed';
      if (t[column] <= 0) continue;
      t[column] -= 1;
      t.onTime += 1;
      push(appeal.departmentId, {
        component: 'completion',
        kind: item.kind,
        whistleId: item.whistleId,
        assignmentId: item.assignmentId,
        deadline: item.completeBy,
        completedAt: item.completedAt,
        pointsLost: 0,
        componentImpact: 0,
        restoredOnAppeal: id,
        message: `哨件 ${item.whistleId} ${KIND_ZH[item.kind]}（办结时限 ${item.completeBy}）经申诉 ${id} 恢复得分，按时计分 / restored on appeal ${id}: ${item.kind.toLowerCase()} (due ${item.completeBy}) scored on time`,
      });
    }
  }
  return restored;
}

/** Appends the restored points' explanations to their rows (after the lost points). */
export function withRestoredExplanations<T extends Scorecard>(card: T, restored: ReadonlyMap<string, RestoredExplanation[]>, explain: (departmentId: string, e: RestoredExplanation) => boolean = () => true): T {
  if (restored.size === 0) return card;
  return { ...card, rows: card.rows.map((r) => ({ ...r, explanations: [...r.explanations, ...(restored.get(r.departmentId) ?? []).filter((e) => explain(r.departmentId, e))] })) };
}

/** The lost items of the tallies, with their department (what appeals may name). */
function lostItemsOf(tallies: ReadonlyMap<string, DepartmentTally>): Array<{ departmentId: string; item: LostItem }> {
  return [...tallies.entries()].flatMap(([departmentId, t]) => t.lost.map((item) => ({ departmentId, item })));
}

/**
 * Contract §7 and §11 from the facts: the scorecard of `period` as of `asOf` with the given upheld
 * appeals applied (the caller picks them: decided at or before asOf for a live scorecard, or up to
 * an amendment for a closed period's version). Pure and deterministic.
 */
export function computeScorecardWithAppeals(
  facts: readonly AssessmentFact[],
  period: Period,
  asOf: Date,
  policy: ScoringPolicy,
  catalog: { departments: readonly Named[]; streets: readonly Named[] },
  appeals: readonly UpheldAppeal[],
  tz: string = DEFAULT_TZ,
): Scorecard {
  const tallies = tallyFacts(facts, period, asOf, tz);
  const names = new Map(catalog.streets.map((s) => [s.id, s.name]));
  const restored = applyUpheldAppeals(tallies, appeals, lostItemsOf(tallies), (id) => names.get(id) ?? id);
  const card = scoreTallies({ period: period.key, asOf, policy, departments: catalog.departments, streets: catalog.streets, tallies });
  return withRestoredExplanations(card, restored);
}

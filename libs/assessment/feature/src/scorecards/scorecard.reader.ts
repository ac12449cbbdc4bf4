import type { Queryable } from '@chuishao/postgres';
import { defaultCatalog } from '@chuishao/catalog';
import {
  applyUpheldAppeals,
  emptyTally,
  withRestoredExplanations,
  monthKeys,
  parsePeriod,
  scoreTallies,
  type DepartmentTally,
  type ExtensionNote,
  type Period,
  type Rating,
  type Scorecard,
  type ScoringPolicy,
} from '@chuishao/assessment-domain';
import { COUNT_SQL_COLUMNS, tableNamer } from '../projection/assessment-projection';
import { closingOf, type Closing } from '../periods/closed-periods';
import { effectiveAsOf } from './scorecard-cache';
import { appealTargets, upheldAppeals } from '../appeals/appeals.repository';

interface CountRow {
  department_id: string;
  on_time: number;
  late: number;
  missed: number;
  excluded: number;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
}

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isoOf = (v: string) => (CANONICAL_ISO.test(v) ? v : new Date(v).toISOString());

/**
 * The per-department tallies of a period as of `asOf`, aggregated in SQL: the daily roll-up of the
 * deltas for whole UTC days before asOf's day, plus the exact deltas of that day up to asOf; the
 * lost-point items still open at asOf; the latest rating of each street at asOf.
 */
export async function readTallies(
  db: Queryable,
  period: Period,
  asOf: Date,
  schema?: string,
  explain = true,
  explainDepartment?: string,
): Promise<Map<string, DepartmentTally>> {
  const t = tableNamer(schema);
  const months = monthKeys(period);
  const asOfIso = asOf.toISOString();
  const day = asOfIso.slice(0, 10);
  const sums = COUNT_SQL_COLUMNS.map((c) => `sum(${c})::int AS ${c}`).join(', ');
  const cols = COUNT_SQL_COLUMNS.join(', ');
  const counts: CountRow[] = await db.query(
    `SELECT department_id::text AS department_id, ${sums} FROM (
       SELECT department_id, ${cols} FROM ${t('score_deltas_daily')} WHERE month = ANY($1) AND day < $3::date
       UNION ALL
       SELECT department_id, ${cols} FROM ${t('score_deltas')} WHERE at >= ($3::date)::timestamp AT TIME ZONE 'UTC' AND at <= $2::timestamptz AND month = ANY($1)
     ) x GROUP BY department_id`,
    [months, asOfIso, day],
  );
  // open lost-point items at asOf: opened (+1) at or before asOf and not closed (−1) by then
  const lost: Array<{ kind: string; whistle_id: string; department_id: string; assignment_id: string | null; complete_by: string | null; completed_at: string | null; rating: Rating | null; feedback_id: string | null; extensions: ExtensionNote[] | null }> = !explain
    ? []
    : await db.query(
    `SELECT p.kind, p.whistle_id::text AS whistle_id, p.department_id::text AS department_id, p.detail->>'assignmentId' AS assignment_id,
            p.detail->>'completeBy' AS complete_by, p.detail->>'completedAt' AS completed_at, p.detail->>'rating' AS rating,
            p.detail->>'feedbackId' AS feedback_id, p.detail->'extensions' AS extensions
       FROM ${t('lost_point_marks')} p
      WHERE p.sign = 1 AND p.month = ANY($1) AND p.at <= $2::timestamptz
        AND NOT EXISTS (SELECT 1 FROM ${t('lost_point_marks')} m WHERE m.sign = -1 AND m.item_key = p.item_key AND m.at <= $2::timestamptz)
        AND ($3::uuid IS NULL OR p.department_id = $3::uuid)`,
    [months, asOfIso, explainDepartment ?? null],
  );
  const ratings: Array<{ street_id: string; department_id: string; score: number; revision: number; deductions: Array<{ points: number; reason: string }>; event_id: string }> = await db.query(
    `SELECT DISTINCT ON (street_id, department_id) street_id::text AS street_id, department_id::text AS department_id, score, revision, deductions, event_id::text AS event_id
       FROM ${t('street_ratings')} WHERE period = $1 AND rated_at <= $2::timestamptz ORDER BY street_id, department_id, revision DESC`,
    [period.key, asOfIso],
  );
  const tallies = new Map<string, DepartmentTally>();
  const tally = (id: string) => {
    let x = tallies.get(id);
    if (!x) tallies.set(id, (x = emptyTally()));
    return x;
  };
  for (const r of counts) {
    Object.assign(tally(r.department_id), { onTime: r.on_time, late: r.late, missed: r.missed, excluded: r.excluded });
    tally(r.department_id).feedback = { SATISFIED: r.satisfied, BASICALLY_SATISFIED: r.basically_satisfied, DISSATISFIED: r.dissatisfied };
  }
  for (const l of lost) {
    if (l.kind === 'FEEDBACK') tally(l.department_id).lost.push({ kind: 'FEEDBACK', whistleId: l.whistle_id, rating: l.rating as Rating, ...(l.feedback_id ? { feedbackId: l.feedback_id } : {}) });
    else
      tally(l.department_id).lost.push({
        kind: l.kind as 'LATE' | 'MISSED' | 'CLOSED',
        whistleId: l.whistle_id,
        assignmentId: l.assignment_id as string,
        completeBy: isoOf(l.complete_by as string),
        completedAt: l.completed_at ? isoOf(l.completed_at) : null,
        ...(l.extensions?.length ? { extensions: l.extensions } : {}),
      });
  }
  for (const r of ratings) tally(r.department_id).streetRatings.push({ streetId: r.street_id, score: r.score, revision: r.revision, deductions: r.deductions, ratingId: r.event_id });
  return tallies;
}

export interface ScorecardResult extends Scorecard {
  timeZone: string;
  /** When the period (or one enclosing it) was closed: the scorecard is frozen at that instant. */
  closedAt: string | null;
  /** False when the caller asked for the numbers only (`explain=false`): every `explanations` is then empty. */
  explained: boolean;
  /** Set when the explanations of assignments and feedback were asked for one department only (`departmentId=`). */
  explainedDepartment?: string;
}

/**
 * The scorecard of `periodKey`: asOf = the requested one, else now; never later than the closing
 * of a closed period (frozen) and never in the future.
 */
export async function buildScorecard(
  db: Queryable,
  periodKey: string,
  requestedAsOf: Date | undefined,
  opts: {
    policy: ScoringPolicy;
    tz: string;
    now?: Date;
    schema?: string;
    explain?: boolean;
    explainDepartment?: string;
    /** The closing already read by the caller (null: not closed); read here when undefined. */
    closing?: Closing | null;
    /** Upheld appeals decided at or before this instant are applied (default: the asOf; a closed period's amended version: the decision). */
    appealsAsOf?: Date;
  },
): Promise<ScorecardResult> {
  const period = parsePeriod(periodKey);
  if (!period) throw new Error(`invalid period ${periodKey}`);
  const now = opts.now ?? new Date();
  const closing = opts.closing === undefined ? await closingOf(db, period, opts.schema) : (opts.closing ?? undefined);
  const { asOf } = effectiveAsOf(requestedAsOf, now, closing);
  const explain = opts.explain ?? true;
  const tallies = await readTallies(db, period, asOf, opts.schema, explain, opts.explainDepartment);
  const catalog = defaultCatalog();
  // upheld appeals (contract §11): the points they name no longer count, explained as restored
  const upheld = await upheldAppeals(db, opts.appealsAsOf ?? asOf, opts.schema);
  const restored = upheld.length
    ? applyUpheldAppeals(tallies, upheld, await appealTargets(db, period, asOf, upheld, opts.schema), (id) => catalog.street(id)?.name ?? id)
    : new Map();
  const scored = scoreTallies({
    period: period.key,
    asOf,
    policy: opts.policy,
    departments: catalog.departments.map((d) => ({ id: d.id, name: d.name })),
    streets: catalog.streets.map((s) => ({ id: s.id, name: s.name })),
    tallies,
  });
  const card = withRestoredExplanations(scored, restored, (departmentId, e) => e.component === 'perception' || (explain && (!opts.explainDepartment || opts.explainDepartment === departmentId)));
  return {
    ...card,
    timeZone: opts.tz,
    closedAt: closing ? closing.closedAt.toISOString() : null,
    explained: explain,
    ...(explain && opts.explainDepartment ? { explainedDepartment: opts.explainDepartment } : {}),
  };
}

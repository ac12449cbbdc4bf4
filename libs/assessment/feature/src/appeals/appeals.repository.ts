import type { Queryable } from '@chuishao/postgres';
import { monthKeys, type LostItem, type Period, type UpheldAppeal } from '@chuishao/assessment-domain';
import type { AppealTarget } from '@chuishao/assessment-contracts';
import { tableNamer } from '../projection/assessment-projection';

export interface AppealRow {
  appeal_id: string;
  period: string;
  department_id: string;
  target: AppealTarget;
  reason: string;
  evidence: string[];
  filed_at: Date;
  status: 'PENDING' | 'UPHELD' | 'REJECTED';
  decision_reason: string | null;
  decided_at: Date | null;
}

/** An appeal as the API answers it. */
export function appealResource(r: AppealRow) {
  return {
    id: r.appeal_id,
    period: r.period,
    departmentId: r.department_id,
    target: r.target,
    reason: r.reason,
    evidence: r.evidence,
    status: r.status,
    filedAt: new Date(r.filed_at).toISOString(),
    decision: r.decided_at ? { decision: r.status === 'UPHELD' ? 'UPHOLD' : 'REJECT', reason: r.decision_reason, decidedAt: new Date(r.decided_at).toISOString() } : null,
  };
}

const COLUMNS = `appeal_id::text AS appeal_id, period, department_id::text AS department_id, target, reason, evidence, filed_at, status, decision_reason, decided_at`;

export async function findAppeal(db: Queryable, appealId: string): Promise<AppealRow | undefined> {
  const rows: AppealRow[] = await db.query(`SELECT ${COLUMNS} FROM appeals WHERE appeal_id = $1`, [appealId]);
  return rows[0];
}

export async function listAppeals(db: Queryable, q: { period?: string; status?: string; departmentId?: string }): Promise<AppealRow[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM appeals WHERE ($1::text IS NULL OR period = $1) AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR department_id = $3::uuid)
      ORDER BY filed_at, appeal_id LIMIT 1000`,
    [q.period ?? null, q.status ?? null, q.departmentId ?? null],
  );
}

/** Serialises the appeals on one target until the caller's transaction ends (a transaction-level advisory lock). */
export async function lockAppealTarget(db: Queryable, targetId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`appeal-target:${targetId}`]);
}

/** A pending appeal of the department on the same target (the same deduction, or the whole rating). */
export async function pendingAppealOn(db: Queryable, departmentId: string, targetId: string, deductionIndex: number | undefined): Promise<string | null> {
  const rows: Array<{ appeal_id: string }> = await db.query(
    `SELECT appeal_id::text AS appeal_id FROM appeals WHERE target_id = $1 AND department_id = $2 AND status = 'PENDING'
        AND ($3::int IS NULL OR deduction_index IS NULL OR deduction_index = $3) LIMIT 1`,
    [targetId, departmentId, deductionIndex ?? null],
  );
  return rows[0]?.appeal_id ?? null;
}

/** The appeals upheld at or before `asOf` (they apply to every scorecard computed as of asOf or later). */
export async function upheldAppeals(db: Queryable, asOf: Date, schema?: string): Promise<UpheldAppeal[]> {
  const rows: Array<{ appeal_id: string; department_id: string; target: AppealTarget; decided_at: Date }> = await db.query(
    `SELECT appeal_id::text AS appeal_id, department_id::text AS department_id, target, decided_at FROM ${tableNamer(schema)('appeals')}
      WHERE status = 'UPHELD' AND decided_at <= $1::timestamptz ORDER BY decided_at, appeal_id`,
    [asOf.toISOString()],
  );
  return rows.map((r) => ({ appealId: r.appeal_id, departmentId: r.department_id, target: r.target, decidedAt: new Date(r.decided_at).toISOString() }));
}

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

/** The lost items (late, missed, feedback) that appeals name, as they stand at `asOf` in the period's months. */
export async function appealTargets(db: Queryable, period: Period, asOf: Date, appeals: readonly UpheldAppeal[], schema?: string): Promise<Array<{ departmentId: string; item: LostItem }>> {
  const assignments = appeals.filter((a) => a.target.kind === 'DEADLINE').map((a) => a.target.assignmentId as string);
  const feedbacks = appeals.filter((a) => a.target.kind === 'SATISFACTION').map((a) => a.target.feedbackId as string);
  if (assignments.length + feedbacks.length === 0) return [];
  const t = tableNamer(schema);
  const rows: Array<{ kind: string; whistle_id: string; department_id: string; assignment_id: string | null; complete_by: string | null; completed_at: string | null; rating: string | null; feedback_id: string | null }> = await db.query(
    `SELECT p.kind, p.whistle_id::text AS whistle_id, p.department_id::text AS department_id, p.detail->>'assignmentId' AS assignment_id, p.detail->>'completeBy' AS complete_by,
            p.detail->>'completedAt' AS completed_at, p.detail->>'rating' AS rating, p.detail->>'feedbackId' AS feedback_id
       FROM ${t('lost_point_marks')} p
      WHERE p.sign = 1 AND p.month = ANY($1) AND p.at <= $2::timestamptz
        AND (p.detail->>'assignmentId' = ANY($3) OR p.detail->>'feedbackId' = ANY($4))
        AND NOT EXISTS (SELECT 1 FROM ${t('lost_point_marks')} m WHERE m.sign = -1 AND m.item_key = p.item_key AND m.at <= $2::timestamptz)`,
    [monthKeys(period), asOf.toISOString(), assignments, feedbacks],
  );
  return rows.map((r) => ({
    departmentId: r.department_id,
    item:
      r.kind === 'FEEDBACK'
        ? { kind: 'FEEDBACK', whistleId: r.whistle_id, rating: r.rating as 'DISSATISFIED', ...(r.feedback_id ? { feedbackId: r.feedback_id } : {}) }
        : { kind: r.kind as 'LATE' | 'MISSED', whistleId: r.whistle_id, assignmentId: r.assignment_id as string, completeBy: iso(r.complete_by) as string, completedAt: iso(r.completed_at) },
  }));
}

/** The department a target belongs to, and the month its point counts in (null: unknown target). */
export async function targetOwner(db: Queryable, target: AppealTarget): Promise<{ departmentId: string; month: string | null } | null> {
  if (target.kind === 'DEADLINE') {
    const rows: Array<{ department_id: string; month: string }> = await db.query(`SELECT department_id::text AS department_id, month FROM assignment_facts WHERE assignment_id = $1`, [target.assignmentId]);
    return rows[0] ? { departmentId: rows[0].department_id, month: rows[0].month } : null;
  }
  if (target.kind === 'RATING') {
    const rows: Array<{ department_id: string }> = await db.query(`SELECT department_id::text AS department_id FROM street_ratings WHERE event_id = $1`, [target.ratingId]);
    return rows[0] ? { departmentId: rows[0].department_id, month: null } : null;
  }
  const rows: Array<{ department_id: string; month: string }> = await db.query(
    `SELECT department_id::text AS department_id, month FROM lost_point_marks WHERE sign = 1 AND kind = 'FEEDBACK' AND detail->>'feedbackId' = $1 ORDER BY at DESC LIMIT 1`,
    [target.feedbackId],
  );
  return rows[0] ? { departmentId: rows[0].department_id, month: rows[0].month } : null;
}

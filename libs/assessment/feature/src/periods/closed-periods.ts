import type { Queryable } from '@chuishao/postgres';
import { enclosingPeriods, type Period } from '@chuishao/assessment-domain';

export interface Closing {
  /** The closed period that applies (the period itself or one enclosing it). */
  period: string;
  closedAt: Date;
}

/**
 * A period is closed when it or a period enclosing it is closed (closing 2026 closes 2026-Q3 and
 * 2026-09 too). Returns the earliest closing that applies, or undefined.
 */
export async function closingOf(db: Queryable, period: Period, schema?: string): Promise<Closing | undefined> {
  const table = schema ? `"${schema}".closed_periods` : 'closed_periods';
  const rows: Array<{ period: string; closed_at: Date }> = await db.query(
    `SELECT period, closed_at FROM ${table} WHERE period = ANY($1) ORDER BY closed_at, period LIMIT 1`,
    [enclosingPeriods(period)],
  );
  return rows[0] ? { period: rows[0].period, closedAt: new Date(rows[0].closed_at) } : undefined;
}

/** Serialises closing a period and rating in it (same calendar year → same lock). */
export async function lockPeriodYear(db: Queryable, period: Period): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`assessment-period:${period.year}`]);
}

/** The periods closed within the last `withinDays` days, the latest closing first, `atMost` of them. */
export async function recentlyClosedPeriods(db: Queryable, withinDays: number, atMost: number): Promise<string[]> {
  const rows: Array<{ period: string }> = await db.query(
    `SELECT period FROM closed_periods WHERE closed_at > now() - make_interval(days => $1) ORDER BY closed_at DESC LIMIT $2`,
    [withinDays, atMost],
  );
  return rows.map((r) => r.period);
}

import type { Queryable } from '@chuishao/postgres';
import { monthKeys, type Period } from '@chuishao/assessment-domain';
import { tableNamer } from '../projection/assessment-projection';

/**
 * The watermark of the scorecard of `period` as of `asOf` (ADR 0008): a value that changes with
 * every committed write that could change that answer, and only grows.
 *
 * The answer as of asOf reads the deltas and lost-point marks of the period's months dated at or
 * before asOf (the closing mark of an item carries the item's month), the street ratings given for
 * exactly this period at or before asOf, and the closing (part of the cache key). So:
 * - Σ score_deltas_daily.version over the period's months and the UTC days up to asOf's: the
 *   projection bumps the version of the roll-up row of every (month, day, department) it writes a
 *   delta or a mark in, in the same transaction — versions only go up, so the sum goes up with any
 *   such commit, whatever the commit order of concurrent transactions (a max of a sequence would
 *   not: a transaction holding a lower number can commit after the maximum was read);
 * - the number of ratings of the period rated at or before asOf (ratings are only ever inserted);
 * - projection_generation (bumped when a rebuild replaces the rows: the one write that removes);
 * - the number of appeals upheld at or before asOf (an upheld appeal restores a point from its
 *   decision on; decisions only go from PENDING to UPHELD, never back).
 * Read it before the data: a commit in between makes the stored watermark older than the body,
 * which only costs a recomputation.
 */
export async function readWatermark(db: Queryable, period: Period, asOf: Date, schema?: string): Promise<string> {
  const t = tableNamer(schema);
  const asOfIso = asOf.toISOString();
  const months = monthKeys(period);
  // a period's months are contiguous 'YYYY-MM' keys (same length, digits in the same places): the
  // range is the same set as `= ANY(months)`, cheaper per row (a year's roll-up is ~9,000 rows at a
  // million whistles), and a range of the primary key (month, day, department_id)
  const rows: Array<{ generation: string; deltas: string; ratings: string; appeals: string }> = await db.query(
    `SELECT (SELECT generation FROM ${t('projection_generation')})::text AS generation,
            (SELECT coalesce(sum(version), 0) FROM ${t('score_deltas_daily')}
              WHERE month BETWEEN $1 AND $2 AND day <= $3::date)::text AS deltas,
            (SELECT count(*) FROM ${t('street_ratings')} WHERE period = $4 AND rated_at <= $5::timestamptz)::text AS ratings,
            (SELECT count(*) FROM ${t('appeals')} WHERE status = 'UPHELD' AND decided_at <= $5::timestamptz)::text AS appeals`,
    [months[0], months[months.length - 1], asOfIso.slice(0, 10), period.key, asOfIso],
  );
  const [w] = rows;
  return `${w.generation}/${w.deltas}/${w.ratings}/${w.appeals}`;
}

import type { Queryable } from '@chuishao/postgres';
import { defaultCatalog } from '@chuishao/catalog';

interface Percentiles {
  n: number;
  p50: number | null;
  p90: number | null;
}

export interface AnalyticsSummary {
  from: string;
  to: string;
  streetId: string | null;
  timeZone: string;
  total: number;
  byArea: Array<{ code: string; name: string; count: number }>;
  bySituation: Array<{ code: string; name: string; count: number }>;
  byLevel: Array<{ level: string; count: number }>;
  byStatus: Array<{ status: string; count: number }>;
  departments: Array<{ departmentId: string; name: string; assignments: number; overdue: number; overdueRate: number | null; report: Percentiles; arrive: Percentiles; complete: Percentiles }>;
  overdueRate: number | null;
  recurringLocations: Array<{ address: string; count: number }>;
  weeklyTrend: Array<{ week: string; count: number }>;
  perStreet: Array<{ streetId: string; name: string; count: number }>;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10000) / 10000);
const secs = (v: string | number | null) => (v === null ? null : Math.round(Number(v)));

/**
 * 分析研判 (contract §8) over whistles blown in [from, to): counts by area, situation, level and
 * status; per department p50/p90 seconds from summons to the receipt of the report, the arrival and
 * the completion; the overdue rate (assignments with a missed deadline); recurring locations (the
 * same normalised address ≥ 2 times, top 10); ISO-week trend in the district's zone; per street.
 */
export async function readAnalyticsSummary(db: Queryable, q: { from: Date; to: Date; streetId: string | null; tz: string }): Promise<AnalyticsSummary> {
  const catalog = defaultCatalog();
  const params = [q.from.toISOString(), q.to.toISOString(), q.streetId];
  const where = `w.blown_at >= $1::timestamptz AND w.blown_at < $2::timestamptz AND ($3::uuid IS NULL OR w.street_id = $3::uuid)`;
  const group = async (col: string) =>
    (await db.query(`SELECT ${col} AS k, count(*)::int AS n FROM whistle_facts w WHERE ${where} AND ${col} IS NOT NULL GROUP BY ${col} ORDER BY n DESC, k`, params)) as Array<{ k: string; n: number }>;
  const [areas, situations, levels, statuses, streets] = [await group('area'), await group('situation_code'), await group('level'), await group('status'), await group('street_id::text')];
  const total = statuses.reduce((s, r) => s + r.n, 0);
  const recurring: Array<{ k: string; n: number }> = await db.query(
    `SELECT normalised_address AS k, count(*)::int AS n FROM whistle_facts w WHERE ${where} AND normalised_address IS NOT NULL AND normalised_address <> ''
      GROUP BY normalised_address HAVING count(*) >= 2 ORDER BY n DESC, k LIMIT 10`,
    params,
  );
  const weeks: Array<{ k: string; n: number }> = await db.query(
    `SELECT to_char(w.blown_at AT TIME ZONE $4, 'IYYY-"W"IW') AS k, count(*)::int AS n FROM whistle_facts w WHERE ${where} GROUP BY k ORDER BY k`,
    [...params, q.tz],
  );
  const pct = (col: string, p: number) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY extract(epoch FROM a.${col} - a.summoned_at)) FILTER (WHERE a.${col} IS NOT NULL)`;
  const depts: Array<Record<string, string | number | null>> = await db.query(
    `SELECT a.department_id::text AS department_id, count(*)::int AS n, count(*) FILTER (WHERE a.overdue)::int AS overdue,
            count(a.reported_at)::int AS rn, ${pct('reported_at', 0.5)} AS r50, ${pct('reported_at', 0.9)} AS r90,
            count(a.arrived_at)::int AS an, ${pct('arrived_at', 0.5)} AS a50, ${pct('arrived_at', 0.9)} AS a90,
            count(a.last_completed_at)::int AS cn, ${pct('last_completed_at', 0.5)} AS c50, ${pct('last_completed_at', 0.9)} AS c90
       FROM assignment_facts a JOIN whistle_facts w ON w.whistle_id = a.whistle_id
      WHERE ${where} GROUP BY a.department_id`,
    params,
  );
  const byDept = new Map(depts.map((d) => [d.department_id as string, d]));
  const departments = catalog.departments.map((dep) => {
    const d = byDept.get(dep.id);
    const n = Number(d?.n ?? 0);
    const overdue = Number(d?.overdue ?? 0);
    return {
      departmentId: dep.id,
      name: dep.name,
      assignments: n,
      overdue,
      overdueRate: rate(overdue, n),
      report: { n: Number(d?.rn ?? 0), p50: secs(d?.r50 ?? null), p90: secs(d?.r90 ?? null) },
      arrive: { n: Number(d?.an ?? 0), p50: secs(d?.a50 ?? null), p90: secs(d?.a90 ?? null) },
      complete: { n: Number(d?.cn ?? 0), p50: secs(d?.c50 ?? null), p90: secs(d?.c90 ?? null) },
    };
  });
  const allAssignments = departments.reduce((s, d) => s + d.assignments, 0);
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    streetId: q.streetId,
    timeZone: q.tz,
    total,
    byArea: areas.map((r) => ({ code: r.k, name: catalog.area(r.k)?.name ?? r.k, count: r.n })),
    bySituation: situations.map((r) => ({ code: r.k, name: catalog.situation(r.k)?.name ?? r.k, count: r.n })),
    byLevel: levels.map((r) => ({ level: r.k, count: r.n })),
    byStatus: statuses.map((r) => ({ status: r.k, count: r.n })),
    departments,
    overdueRate: rate(departments.reduce((s, d) => s + d.overdue, 0), allAssignments),
    recurringLocations: recurring.map((r) => ({ address: r.k, count: r.n })),
    weeklyTrend: weeks.map((r) => ({ week: r.k, count: r.n })),
    perStreet: streets.map((r) => ({ streetId: r.k, name: catalog.street(r.k)?.name ?? r.k, count: r.n })),
  };
}

import type { Queryable } from '@chuishao/postgres';
import { EARTH_RADIUS_M, isRecurringNeighbour, type TriagePolicy, type WhistleSite } from '@chuishao/triage-domain';
import type { RecurringCount } from './recurring-count';

/** The SQL expressions a recurring count compares against (the columns of the batch's rows, in the sites statement). */
interface RecurringRefs {
  situation: string;
  whistleId: string;
  blownAt: string;
  windowDays: string;
  address: string;
  lat: string;
  lng: string;
  radius: string;
}

/**
 * Counts the recurring neighbours of a whistle in the database. Must agree with the pure
 * `isRecurringNeighbour` (triage domain): same situation, another whistle, blown at most
 * windowDays × 24 h before (inclusive) and not after, and either the same non-empty normalised
 * address or within radiusMeters by haversine (inclusive, same Earth radius).
 *
 * Two counts added, not one OR: those at the same address (the (address, situation, blown_at)
 * index: equality, then the window as a range) and those within the radius at another address
 * (the (situation, lat, lng, blown_at) index: a bounding box 1 % larger than the circle, the window
 * checked in the index). Each arm has one index that fits it whatever the table's statistics say;
 * the OR was planned well only after an ANALYZE, and before one (a new database, a server without
 * autovacuum) it read every whistle of the situation in the window (ADR 0012).
 */
function recurringCountSql(r: RecurringRefs): string {
  const dLat = `${r.radius} * 1.01 / 111194.9`;
  const dLng = `${r.radius} * 1.01 / (111194.9 * cos(radians(least(abs(${r.lat}), 89.0))))`;
  const sameAddress = `${r.address} <> '' AND w.normalised_address = ${r.address}`;
  const others = `w.situation_code = ${r.situation} AND w.whistle_id <> ${r.whistleId}
       AND w.blown_at <= ${r.blownAt} AND w.blown_at >= ${r.blownAt} - make_interval(hours => ${r.windowDays} * 24)`;
  return `
  (SELECT count(*) FROM whistle_sites w WHERE ${others} AND ${sameAddress})
  + (SELECT count(*) FROM whistle_sites w
     WHERE ${others} AND NOT (${sameAddress})
       AND w.lat BETWEEN ${r.lat} - ${dLat} AND ${r.lat} + ${dLat}
       AND w.lng BETWEEN ${r.lng} - ${dLng} AND ${r.lng} + ${dLng}
       AND 2 * ${EARTH_RADIUS_M} * asin(sqrt(power(sin(radians(w.lat - ${r.lat}) / 2), 2) +
         cos(radians(${r.lat})) * cos(radians(w.lat)) * power(sin(radians(w.lng - ${r.lng}) / 2), 2))) <= ${r.radius})`;
}

/**
 * A batch of whistles' sites recorded and their recurring neighbours counted in one statement
 * (arrays, one element a whistle, in order). The count cannot see the sites this statement inserts: the batch's own
 * neighbours are counted in memory (isRecurringNeighbour), those whose site is new (`new_site`;
 * a site already there — a redelivery, a retry — is in the database's count already).
 *
 * $9: its commit does not wait for the WAL flush (synchronous_commit off for this statement's own
 * transaction) — only when it is its own transaction, never inside a batch's transaction that
 * another message opened, whose commit would then not wait either. The batch's next statement,
 * the gated append, commits synchronously, and flushing its commit flushes every earlier record,
 * these sites included — before the Kafka offsets are committed. If the append writes nothing (every message a duplicate), the sites were already
 * there: a message's inbox row is only ever written after its site. A crash in between loses at
 * most sites whose messages were not marked done, and are redelivered. One fsync wait fewer a
 * batch (ADR 0010; measured in docs/performance.md).
 */
export const SITES_AND_COUNTS_SQL = `
  WITH i AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::int[], $5::text[], $6::float8[], $7::float8[], $8::float8[])
      WITH ORDINALITY AS i(situation_code, whistle_id, blown_at, window_days, normalised_address, lat, lng, radius, ord)
  ), site AS (
    INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
    SELECT whistle_id, situation_code, normalised_address, lat, lng, blown_at FROM i ON CONFLICT (whistle_id) DO NOTHING
    RETURNING whistle_id
  )
  SELECT i.whistle_id IN (SELECT whistle_id FROM site) AS new_site, (${recurringCountSql({
    situation: 'i.situation_code',
    whistleId: 'i.whistle_id',
    blownAt: 'i.blown_at',
    windowDays: 'i.window_days',
    address: 'i.normalised_address',
    lat: 'i.lat',
    lng: 'i.lng',
    radius: 'i.radius',
  })}) AS n,
         (SELECT CASE WHEN $9::boolean THEN set_config('synchronous_commit', 'off', true) END) AS commit_without_flush
    FROM i ORDER BY i.ord`;

/**
 * The recurring count in the database (any membership; the only way a second instance can count):
 * the sites statement records the batch's sites and counts each whistle's earlier neighbours; the
 * batch's own new sites, which the statement cannot see, are added in memory.
 */
export class SqlRecurringCount implements RecurringCount {
  readonly source = 'database';
  readonly recordsSites = true;

  /** `ownCommit`: the statement is its own transaction, so its commit may skip the WAL flush (see SITES_AND_COUNTS_SQL). */
  constructor(private readonly ownCommit: boolean) {}

  async count(db: Queryable, sites: readonly WhistleSite[], policies: ReadonlyArray<Pick<TriagePolicy, 'rules'>>): Promise<number[]> {
    const col = <T>(f: (s: WhistleSite, i: number) => T): T[] => sites.map(f);
    const rows: Array<{ new_site: boolean; n: string }> = await db.query(SITES_AND_COUNTS_SQL, [
      col((s) => s.situationCode),
      col((s) => s.whistleId),
      col((s) => s.blownAt),
      col((_, i) => policies[i].rules.recurring.windowDays),
      col((s) => s.normalisedAddress),
      col((s) => s.lat),
      col((s) => s.lng),
      col((_, i) => policies[i].rules.recurring.radiusMeters),
      this.ownCommit,
    ]);
    const fresh = sites.filter((_, i) => rows[i].new_site);
    return sites.map((s, i) => Number(rows[i].n) + fresh.filter((other) => other !== s && isRecurringNeighbour(other, s, policies[i])).length);
  }
}

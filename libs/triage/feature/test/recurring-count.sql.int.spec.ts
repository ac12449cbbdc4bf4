import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openServiceDatabase } from '@chuishao/postgres';
import { freshDatabase } from '@chuishao/testing';
import { DAY_MS, DEFAULT_TRIAGE_POLICY, EARTH_RADIUS_M, recurringCount, type WhistleSite } from '@chuishao/triage-domain';
import { SITES_AND_COUNTS_SQL, SqlRecurringCount } from '../src/triage-whistle/recurring-count.sql';

/**
 * whistle_sites as triage's migrations leave it (apps/triage/migrations 200 and 203): the table and
 * the two indexes, one an arm of the count, that the statement is written for (ADR 0012). The
 * feature cannot import its service's migrations, so the schema the plans are checked on is stated
 * here: a migration that changes these indexes changes this too.
 */
const WHISTLE_SITES = [
  'CREATE TABLE whistle_sites (whistle_id uuid PRIMARY KEY, situation_code text NOT NULL, normalised_address text NOT NULL, lat double precision, lng double precision, blown_at timestamptz NOT NULL)',
  'CREATE INDEX whistle_sites_address_idx ON whistle_sites (normalised_address, situation_code, blown_at)',
  'CREATE INDEX whistle_sites_position_idx ON whistle_sites (situation_code, lat, lng, blown_at) WHERE lat IS NOT NULL AND lng IS NOT NULL',
];

const here = { lat: 39.1207, lng: 117.2008 };
const northOf = (m: number) => ({ lat: here.lat + (m / EARTH_RADIUS_M) * (180 / Math.PI), lng: here.lng });
const eastOf = (m: number) => ({ lat: here.lat, lng: here.lng + (m / (EARTH_RADIUS_M * Math.cos((here.lat * Math.PI) / 180))) * (180 / Math.PI) });

/** Every scan of whistle_sites in an EXPLAIN (ANALYZE, FORMAT JSON) plan: its index, and the rows it returned plus those its filter threw away. */
function touchedRows(node: Record<string, unknown>, scans: Array<{ index?: string; touched: number }> = []) {
  if (node['Relation Name'] === 'whistle_sites' && String(node['Node Type']).endsWith('Scan')) {
    const loops = Number(node['Actual Loops'] ?? 1);
    scans.push({ index: node['Index Name'] as string | undefined, touched: (Number(node['Actual Rows']) + Number(node['Rows Removed by Filter'] ?? 0)) * loops });
  }
  for (const child of (node['Plans'] as Array<Record<string, unknown>> | undefined) ?? []) touchedRows(child, scans);
  return scans;
}

/**
 * Triage's recurring count in the database (SqlRecurringCount and its sites statement) on real
 * PostgreSQL: it must agree with the pure isRecurringNeighbour at the edges, and read the
 * neighbours only, whatever the table's statistics.
 */
describe('recurring-problem rule in the database (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const sites: WhistleSite[] = [];

  const insert = async (s: Omit<WhistleSite, 'whistleId'>) => {
    const site = { ...s, whistleId: randomUUID() };
    sites.push(site);
    await ds.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [site.whistleId, site.situationCode, site.normalisedAddress, site.lat, site.lng, site.blownAt],
    );
  };
  /** The count as triage makes it in the database, in a transaction rolled back after: the probe's own site is not kept. */
  const sqlCount = async (s: WhistleSite) => {
    const qr = ds.createQueryRunner();
    await qr.startTransaction();
    try {
      const [n] = await new SqlRecurringCount(false).count(qr, [s], [DEFAULT_TRIAGE_POLICY]);
      return n;
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  };

  beforeAll(async () => {
    db = await freshDatabase('triage_recurring_sql');
    ds = await openServiceDatabase({ url: db.url, schema: 'triage', migrations: [] });
    for (const ddl of WHISTLE_SITES) await ds.query(ddl);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('counts 199 m and 29 days, not 201 m or 31 days — exactly as the pure function', async () => {
    const base = { situationCode: 'NOISE_NUISANCE', normalisedAddress: '' };
    await insert({ ...base, ...northOf(199), blownAt: ago(DAY_MS) }); // counts
    await insert({ ...base, ...eastOf(199), blownAt: ago(29 * DAY_MS) }); // counts
    await insert({ ...base, ...northOf(201), blownAt: ago(DAY_MS) }); // too far
    await insert({ ...base, ...eastOf(201), blownAt: ago(2 * DAY_MS) }); // too far
    await insert({ ...base, ...here, blownAt: ago(31 * DAY_MS) }); // too old
    await insert({ ...base, ...here, blownAt: ago(30 * DAY_MS + 60_000) }); // too old (30 days and a minute)
    await insert({ ...base, lat: null, lng: null, normalisedAddress: '和平区南京路100号', blownAt: ago(10 * DAY_MS) }); // same address, far: counts for the address probe only
    await insert({ ...base, situationCode: 'STREET_VENDING', ...here, blownAt: ago(DAY_MS) }); // other situation
    await insert({ ...base, ...here, blownAt: new Date(now.getTime() + 60_000) }); // blown later

    const probes: WhistleSite[] = [
      { whistleId: randomUUID(), situationCode: 'NOISE_NUISANCE', normalisedAddress: '别处1号', ...here, blownAt: now },
      { whistleId: randomUUID(), situationCode: 'NOISE_NUISANCE', normalisedAddress: '和平区南京路100号', ...here, blownAt: now },
      { whistleId: randomUUID(), situationCode: 'NOISE_NUISANCE', normalisedAddress: '和平区南京路100号', lat: null, lng: null, blownAt: now },
      { whistleId: randomUUID(), situationCode: 'NOISE_NUISANCE', normalisedAddress: '', ...northOf(400), blownAt: now },
      { whistleId: randomUUID(), situationCode: 'NOISE_NUISANCE', normalisedAddress: '', ...here, blownAt: ago(2 * DAY_MS) },
    ];
    const got = [];
    for (const p of probes) got.push({ sql: await sqlCount(p), pure: recurringCount(sites, p, DEFAULT_TRIAGE_POLICY) });
    // 0: the 199 m (1 day) and 199 m (29 days) sites; 1: those + the same address; 2: the address only;
    // 3: 400 m north sees only the "201 m north" site (199 m from it); 4: blown 2 days ago, it sees the
    // 29-, 30-and-a-minute- and 31-day-old sites (27, 28, 29 days before it) but not yesterday's.
    expect(got.map((g) => g.pure)).toEqual([2, 3, 1, 1, 3]);
    expect(got.map((g) => g.sql)).toEqual(got.map((g) => g.pure));
  });

  it('reads the neighbours only, not every whistle of the situation — before any ANALYZE too', async () => {
    // 2,000 whistles of one situation in the window, none near the probe: the count must find its
    // 3 neighbours (2 within 150 m, 1 at the same address) through the indexes, whatever the
    // table's statistics (none here: a new database, and no ANALYZE has run)
    const situationCode = 'ILLEGAL_PARKING';
    await ds.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
       SELECT gen_random_uuid(), $1, '远处' || g || '号', 39.2 + g * 0.0002, 117.3 + (g % 50) * 0.002, now() - (g % 20) * interval '1 day'
         FROM generate_series(1, 2000) AS g`,
      [situationCode],
    );
    for (const near of [northOf(100), eastOf(150)]) await insert({ situationCode, normalisedAddress: '', ...near, blownAt: ago(DAY_MS) });
    await insert({ situationCode, normalisedAddress: '扫描路1号', lat: null, lng: null, blownAt: ago(DAY_MS) });
    const probe: WhistleSite = { whistleId: randomUUID(), situationCode, normalisedAddress: '扫描路1号', ...here, blownAt: now };
    expect(await sqlCount(probe)).toBe(3);

    // (EXPLAIN ANALYZE runs the statement: the probe's site is inserted, and rolled back)
    const w = DEFAULT_TRIAGE_POLICY.rules.recurring;
    const qr = ds.createQueryRunner();
    await qr.startTransaction();
    try {
      const [{ 'QUERY PLAN': plan }] = await qr.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${SITES_AND_COUNTS_SQL}`, [
        [probe.situationCode], [probe.whistleId], [probe.blownAt], [w.windowDays], [probe.normalisedAddress], [probe.lat], [probe.lng], [w.radiusMeters], false,
      ]);
      const scans = touchedRows(plan[0]['Plan']);
      expect(scans.every((s) => s.index !== undefined)).toBe(true);
      expect(scans.reduce((n, s) => n + s.touched, 0)).toBeLessThan(20);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });

  it("triage's batch statement keeps reading the neighbours only when its plan was made on an empty table", async () => {
    // the service prepares its statements and PostgreSQL keeps a generic plan for the connection's
    // life: made while the table was empty (a new database, no ANALYZE), it must still fit 2,000 rows
    const qr = ds.createQueryRunner();
    try {
      await qr.query(`CREATE TEMP TABLE whistle_sites (LIKE whistle_sites INCLUDING ALL)`); // empty, same indexes; shadows the real one
      await qr.query(`SET plan_cache_mode = force_generic_plan`);
      await qr.query(`PREPARE sites AS ${SITES_AND_COUNTS_SQL}`);
      const situationCode = 'ILLEGAL_PARKING';
      const w = DEFAULT_TRIAGE_POLICY.rules.recurring;
      const arr = (xs: ReadonlyArray<string | number | null>) => `'{${xs.map((x) => (x === null ? 'NULL' : `"${String(x)}"`)).join(',')}}'`;
      const execute = (explain: string, batch: WhistleSite[]) =>
        qr.query(
          `${explain} EXECUTE sites(${[
            arr(batch.map((b) => b.situationCode)),
            arr(batch.map((b) => b.whistleId)),
            arr(batch.map((b) => b.blownAt.toISOString())),
            arr(batch.map(() => w.windowDays)),
            arr(batch.map((b) => b.normalisedAddress)),
            arr(batch.map((b) => b.lat)),
            arr(batch.map((b) => b.lng)),
            arr(batch.map(() => w.radiusMeters)),
            'false',
          ].join(', ')})`,
        );
      await execute('', [{ whistleId: randomUUID(), situationCode, normalisedAddress: '空表路1号', ...here, blownAt: ago(DAY_MS) }]);
      await qr.query(
        `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
         SELECT gen_random_uuid(), $1, '远处' || g || '号', 39.2 + g * 0.0002, 117.3 + (g % 50) * 0.002, now() - (g % 20) * interval '1 day'
           FROM generate_series(1, 2000) AS g`,
        [situationCode],
      );
      // neighbours of the probe: the first whistle (0 m) and one 150 m east; one at its address, far away
      await qr.query(`INSERT INTO whistle_sites VALUES (gen_random_uuid(), $1, '', $2, $3, now() - interval '1 day'), (gen_random_uuid(), $1, '空表路2号', NULL, NULL, now() - interval '1 day')`, [
        situationCode,
        eastOf(150).lat,
        eastOf(150).lng,
      ]);
      const probe: WhistleSite = { whistleId: randomUUID(), situationCode, normalisedAddress: '空表路2号', ...here, blownAt: now };
      const [{ n }] = await execute('', [probe]);
      expect(Number(n)).toBe(3);
      // (EXPLAIN ANALYZE runs the statement: another whistle at the probe's site, its sites row inserted too)
      const [{ 'QUERY PLAN': plan }] = await execute('EXPLAIN (ANALYZE, FORMAT JSON)', [{ ...probe, whistleId: randomUUID() }]);
      const touched = touchedRows(plan[0]['Plan']);
      expect(touched.every((s) => s.index !== undefined)).toBe(true);
      expect(touched.reduce((k, s) => k + s.touched, 0)).toBeLessThan(20);
    } finally {
      // (not DEALLOCATE ALL: the connection goes back to the pool with the statements it prepared)
      await qr.query(`DEALLOCATE sites; RESET plan_cache_mode; DISCARD TEMP`).catch(() => undefined);
      await qr.release();
    }
  });

  it("the sites statement skips the WAL flush of its own commit only when asked, and never for a transaction it is part of", async () => {
    const site = { whistleId: randomUUID(), situationCode: 'ILLEGAL_PARKING', normalisedAddress: '', lat: null, lng: null, blownAt: now };
    const params = (skipFlush: boolean) => [[site.situationCode], [randomUUID()], [site.blownAt], [30], [''], [null], [null], [200], skipFlush];
    const qr = ds.createQueryRunner();
    try {
      // its own transaction: off for that commit only, the session's setting untouched afterwards
      const [own] = await qr.query(SITES_AND_COUNTS_SQL, params(true));
      expect(own.commit_without_flush).toBe('off');
      expect((await qr.query('SHOW synchronous_commit'))[0].synchronous_commit).toBe('on');
      // inside a transaction (a batch that another message began): not asked, and the commit waits
      await qr.startTransaction();
      const [inside] = await qr.query(SITES_AND_COUNTS_SQL, params(false));
      expect(inside.commit_without_flush).toBeNull();
      expect((await qr.query('SHOW synchronous_commit'))[0].synchronous_commit).toBe('on');
      await qr.rollbackTransaction();
    } finally {
      await qr.release();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { eventually, startServiceForTest, whistleBlownData, whistleEnvelope, type ServiceUnderTest } from '@chuishao/testing';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { RECURRING_COUNT_SQL, SITES_AND_COUNTS_SQL } from '@chuishao/triage-feature';
import { DAY_MS, DEFAULT_TRIAGE_POLICY, EARTH_RADIUS_M, recurringCount, type WhistleSite } from '@chuishao/triage-domain';
import { triageService } from '../src/triage.service';

const here = { lat: 39.1207, lng: 117.2008 };
const northOf = (m: number) => ({ lat: here.lat + (m / EARTH_RADIUS_M) * (180 / Math.PI), lng: here.lng });
const eastOf = (m: number) => ({ lat: here.lat, lng: here.lng + (m / (EARTH_RADIUS_M * Math.cos((here.lat * Math.PI) / 180))) * (180 / Math.PI) });

/** A NOISE_NUISANCE WhistleBlown as intake publishes it, blown at `at`. */
const blownEnvelope = (whistleId: string, at: Date, where: { title: string; address: string; normalisedAddress?: string; lat?: number; lng?: number }) => {
  const situation = defaultCatalog().situation('NOISE_NUISANCE')!;
  const data = whistleBlownData({ whistleId, streetId: defaultCatalog().streets[0].id, situationCode: situation.code, area: situation.area, ...where });
  return whistleEnvelope<WhistleBlownData>('WhistleBlown', whistleId, data, { occurredAt: at.toISOString(), source: 'intake' });
};

/** Every scan of whistle_sites in an EXPLAIN (ANALYZE, FORMAT JSON) plan: its index, and the rows it returned plus those its filter threw away. */
function touchedRows(node: Record<string, unknown>, scans: Array<{ index?: string; touched: number }> = []) {
  if (node['Relation Name'] === 'whistle_sites' && String(node['Node Type']).endsWith('Scan')) {
    const loops = Number(node['Actual Loops'] ?? 1);
    scans.push({ index: node['Index Name'] as string | undefined, touched: (Number(node['Actual Rows']) + Number(node['Rows Removed by Filter'] ?? 0)) * loops });
  }
  for (const child of (node['Plans'] as Array<Record<string, unknown>> | undefined) ?? []) touchedRows(child, scans);
  return scans;
}

/** The SQL count of recurring neighbours must agree with the pure isRecurringNeighbour, at the edges. */
describe('recurring-problem rule in the database (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const sites: WhistleSite[] = [];

  const insert = async (s: Omit<WhistleSite, 'whistleId'>) => {
    const site = { ...s, whistleId: randomUUID() };
    sites.push(site);
    await svc.dataSource.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [site.whistleId, site.situationCode, site.normalisedAddress, site.lat, site.lng, site.blownAt],
    );
  };
  const sqlCount = async (s: WhistleSite) => {
    const w = DEFAULT_TRIAGE_POLICY.rules.recurring;
    const [{ n }] = await svc.dataSource.query(RECURRING_COUNT_SQL, [s.situationCode, s.whistleId, s.blownAt, w.windowDays, s.normalisedAddress, s.lat, s.lng, w.radiusMeters]);
    return Number(n);
  };

  beforeAll(async () => {
    svc = await startServiceForTest(triageService, { label: 'triage_recurring' });
  });
  afterAll(() => svc?.stop());

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
    await svc.dataSource.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
       SELECT gen_random_uuid(), $1, '远处' || g || '号', 39.2 + g * 0.0002, 117.3 + (g % 50) * 0.002, now() - (g % 20) * interval '1 day'
         FROM generate_series(1, 2000) AS g`,
      [situationCode],
    );
    for (const near of [northOf(100), eastOf(150)]) await insert({ situationCode, normalisedAddress: '', ...near, blownAt: ago(DAY_MS) });
    await insert({ situationCode, normalisedAddress: '扫描路1号', lat: null, lng: null, blownAt: ago(DAY_MS) });
    const probe: WhistleSite = { whistleId: randomUUID(), situationCode, normalisedAddress: '扫描路1号', ...here, blownAt: now };
    expect(await sqlCount(probe)).toBe(3);

    const w = DEFAULT_TRIAGE_POLICY.rules.recurring;
    const [{ 'QUERY PLAN': plan }] = await svc.dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${RECURRING_COUNT_SQL}`, [
      probe.situationCode, probe.whistleId, probe.blownAt, w.windowDays, probe.normalisedAddress, probe.lat, probe.lng, w.radiusMeters,
    ]);
    const scans = touchedRows(plan[0]['Plan']);
    expect(scans.every((s) => s.index !== undefined)).toBe(true);
    expect(scans.reduce((n, s) => n + s.touched, 0)).toBeLessThan(20);
  });

  it("triage's batch statement keeps reading the neighbours only when its plan was made on an empty table", async () => {
    // the service prepares its statements and PostgreSQL keeps a generic plan for the connection's
    // life: made while the table was empty (a new database, no ANALYZE), it must still fit 2,000 rows
    const qr = svc.dataSource.createQueryRunner();
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
      await qr.query(`DEALLOCATE ALL; DISCARD TEMP`).catch(() => undefined);
      await qr.release();
    }
  });

  it("the sites statement skips the WAL flush of its own commit only when asked, and never for a transaction it is part of", async () => {
    const site = { whistleId: randomUUID(), situationCode: 'ILLEGAL_PARKING', normalisedAddress: '', lat: null, lng: null, blownAt: now };
    const params = (skipFlush: boolean) => [[site.situationCode], [randomUUID()], [site.blownAt], [30], [''], [null], [null], [200], skipFlush];
    const qr = svc.dataSource.createQueryRunner();
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

  it('a whistle blown with ≥ 2 recurring neighbours is raised one level, with the reason recorded', async () => {
    const situation = defaultCatalog().situation('NOISE_NUISANCE')!;
    const whistleId = randomUUID();
    const env = blownEnvelope(whistleId, now, { title: '夜间施工噪音', address: '别处 2 号', normalisedAddress: '别处2号', ...here });
    await svc.messaging.producer.send({ topic: svc.messaging.topic(TOPICS.whistleEvents), messages: [{ key: whistleId, value: JSON.stringify(env) }] });
    const triaged = await eventually(async () => {
      const rows: Array<{ data: WhistleTriagedData }> = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1`, [`whistle-${whistleId}`]);
      return rows[0]?.data;
    });
    expect(situation.defaultLevel).toBe('BLUE');
    expect(triaged.level).toBe('YELLOW');
    expect(triaged.rules.map((r) => r.id)).toEqual(['base', 'recurring']);
    expect(triaged.rules[1].reason.en).toContain('2 earlier whistles');
    // its decision was timed for Prometheus (the benchmark reads it: triage's own share)
    const metrics = await svc.app.inject({ method: 'GET', url: '/metrics' });
    const count = metrics.body.split('\n').find((l) => l.startsWith('chuishao_triage_decision_seconds_count'));
    expect(Number(count?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);
  });

  it('whistles at one site triaged in one batch count each other by the time they were blown, as one by one would', async () => {
    // 12 whistles at one new address, blown a minute apart, sent shuffled on ONE partition so the
    // consumer takes them in one or a few batches: the database cannot see the batch's own sites
    // while it counts, so the batch must count them itself (isRecurringNeighbour)
    const address = `批次路${randomUUID().slice(0, 8)}号`;
    const start = Date.now() - 3_600_000;
    const whistles = Array.from({ length: 12 }, (_, k) => {
      const whistleId = randomUUID();
      const env = blownEnvelope(whistleId, new Date(start + k * 60_000), { title: '同一地点反复噪音', address });
      return { k, whistleId, env };
    });
    const shuffled = [...whistles].sort((a, b) => ((a.k * 7) % 12) - ((b.k * 7) % 12));
    await svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      acks: -1,
      messages: shuffled.map((w) => ({ key: 'one-partition', value: JSON.stringify(w.env) })),
    });
    const ids = whistles.map((w) => `whistle-${w.whistleId}`);
    const rows = await eventually(async () => {
      const r: Array<{ stream_id: string; data: WhistleTriagedData; tx: string }> = await svc.dataSource.query(
        `SELECT stream_id, data, xmin::text AS tx FROM events WHERE stream_id = ANY($1)`,
        [ids],
      );
      return r.length === whistles.length ? r : undefined;
    });
    const byStream = new Map(rows.map((r) => [r.stream_id, r]));
    // the first two have fewer than 2 earlier neighbours; from the third on, the rule raises BLUE to YELLOW
    expect(whistles.map((w) => byStream.get(`whistle-${w.whistleId}`)!.data.level)).toEqual(['BLUE', 'BLUE', ...Array(10).fill('YELLOW')]);
    expect(byStream.get(`whistle-${whistles[11].whistleId}`)!.data.rules[1].reason.en).toContain('11 earlier whistles');
    // and they were triaged together: fewer transactions than whistles
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(whistles.length);
  });
});

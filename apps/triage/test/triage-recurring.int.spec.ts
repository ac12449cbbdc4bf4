import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { eventually, startServiceForTest, whistleBlownData, whistleEnvelope, type ServiceUnderTest } from '@chuishao/testing';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { triageService } from '../src/triage.service';

const here = { lat: 39.1207, lng: 117.2008 };

/** A NOISE_NUISANCE WhistleBlown as intake publishes it, blown at `at`. */
const blownEnvelope = (whistleId: string, at: Date, where: { title: string; address: string; normalisedAddress?: string; lat?: number; lng?: number }) => {
  const situation = defaultCatalog().situation('NOISE_NUISANCE')!;
  const data = whistleBlownData({ whistleId, streetId: defaultCatalog().streets[0].id, situationCode: situation.code, area: situation.area, ...where });
  return whistleEnvelope<WhistleBlownData>('WhistleBlown', whistleId, data, { occurredAt: at.toISOString(), source: 'intake' });
};

/**
 * The recurring-problem rule as the triage service applies it. The count's statement itself — equal to
 * the pure isRecurringNeighbour at the edges, read by key — is tested in
 * libs/triage/feature/test/recurring-count.sql.int.spec.ts.
 */
describe('recurring-problem rule in the triage service (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;
  const now = new Date();
  beforeAll(async () => {
    svc = await startServiceForTest(triageService, { label: 'triage_recurring' });
  });
  afterAll(() => svc?.stop());

  it('a whistle blown with ≥ 2 recurring neighbours is raised one level, with the reason recorded', async () => {
    const situation = defaultCatalog().situation('NOISE_NUISANCE')!;
    // two earlier whistles of the situation at the same spot, yesterday and the day before
    await svc.dataSource.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
       SELECT gen_random_uuid(), $1, '', $2, $3, now() - g * interval '1 day' FROM generate_series(1, 2) AS g`,
      [situation.code, here.lat, here.lng],
    );
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

import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { eventually, pausedSecondMember, startServiceForTest, whistleBlownData, whistleEnvelope, type ServiceUnderTest } from '@chuishao/testing';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { DAY_MS, DEFAULT_TRIAGE_POLICY } from '@chuishao/triage-domain';
import { EventStore } from '@chuishao/event-store';
import { triageService } from '../src/triage.service';

/**
 * ADR 0017: as its group's only member, triage counts recurring neighbours in its in-memory index of
 * sites; with another member in the group, in the database; alone again, it loads the index anew,
 * with the sites recorded meanwhile. On real Kafka (a second member of triage's own group) and PostgreSQL.
 */
describe("triage's in-memory index of sites follows its group membership (real Kafka and PostgreSQL)", () => {
  let svc: ServiceUnderTest;
  let other: Consumer | undefined;
  const situation = defaultCatalog().situation('NOISE_NUISANCE')!;
  const topic = () => svc.messaging.topic(TOPICS.whistleEvents);

  const metric = async (name: string, labels = ''): Promise<number> => {
    const body = (await svc.app.inject({ method: 'GET', url: '/metrics' })).body;
    // (every metric also carries the service's default label)
    const line = body.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labels));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const counted = (source: 'memory' | 'database') => metric('chuishao_triage_recurring_counts_total', `source="${source}"`);

  /** Blows a whistle at `address` (on `partition`, if given) and returns its WhistleTriaged. */
  const blow = async (address: string, partition?: number): Promise<WhistleTriagedData> => {
    const whistleId = randomUUID();
    const data = whistleBlownData({ whistleId, streetId: defaultCatalog().streets[0].id, situationCode: situation.code, area: situation.area, title: '反复噪音', address });
    const env = whistleEnvelope<WhistleBlownData>('WhistleBlown', whistleId, data, { occurredAt: new Date().toISOString(), source: 'intake' });
    await svc.messaging.producer.send({ topic: topic(), acks: -1, messages: [{ key: whistleId, value: JSON.stringify(env), ...(partition === undefined ? {} : { partition }) }] });
    return eventually(async () => {
      const rows: Array<{ data: WhistleTriagedData }> = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1`, [`whistle-${whistleId}`]);
      return rows[0]?.data;
    }, 30000);
  };
  /** Sites recorded by someone else (another triage instance): straight into the table. */
  const recordedElsewhere = (address: string, n: number) =>
    svc.dataSource.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
       SELECT gen_random_uuid(), $1, $2, NULL, NULL, now() - interval '1 day' FROM generate_series(1, $3::int)`,
      [situation.code, address, n],
    );
  const earlier = (t: WhistleTriagedData) => Number(/(\d+) earlier whistles/.exec(t.rules.find((r) => r.id === 'recurring')?.reason.en ?? '')?.[1] ?? 0);

  beforeAll(async () => {
    svc = await startServiceForTest(triageService, { label: 'triage_site_index' });
  });
  afterAll(async () => {
    await other?.disconnect().catch(() => undefined);
    await svc?.stop();
  });

  it('alone in its group, it counts in memory', async () => {
    const address = `索引路${randomUUID().slice(0, 8)}号`;
    // the first batches may come before the group's description confirmed it alone
    let blown = 0;
    await eventually(async () => {
      const before = await counted('memory');
      await blow(address);
      blown++;
      return (await counted('memory')) > before;
    }, 60000, 0);
    await blow(address);
    const last = await blow(address);
    expect(last.level).toBe('YELLOW');
    expect(earlier(last)).toBe(blown + 1);
    expect(await metric('chuishao_triage_site_index_sites')).toBeGreaterThanOrEqual(3);
  }, 90000);

  it('a batch counted in the database while the index is in use (another message of it began a transaction) still puts its sites in the index', async () => {
    const address = `事务路${randomUUID().slice(0, 8)}号`;
    const blownHere = () => {
      const whistleId = randomUUID();
      const data = whistleBlownData({ whistleId, streetId: defaultCatalog().streets[0].id, situationCode: situation.code, area: situation.area, title: '反复噪音', address });
      return { whistleId, env: whistleEnvelope<WhistleBlownData>('WhistleBlown', whistleId, data, { occurredAt: new Date().toISOString(), source: 'intake' }) };
    };
    // a WhistleWithdrawn first: its handler opens the batch's transaction, so the two WhistleBlown
    // after it, on the same partition and in the same fetch, are counted in the database
    const closed = randomUUID();
    const withdrawn = whistleEnvelope('WhistleWithdrawn', closed, { whistleId: closed, reason: '测试' }, { occurredAt: new Date().toISOString(), source: 'intake' });
    const two = [blownHere(), blownHere()];
    const before = await counted('database');
    await svc.messaging.producer.send({
      topic: topic(),
      acks: -1,
      messages: [withdrawn, ...two.map((t) => t.env)].map((e) => ({ key: 'one-batch', value: JSON.stringify(e) })),
    });
    await eventually(async () => {
      const rows: Array<{ n: string }> = await svc.dataSource.query(`SELECT count(*) AS n FROM events WHERE stream_id = ANY($1)`, [two.map((t) => `whistle-${t.whistleId}`)]);
      return Number(rows[0].n) === 2;
    }, 30000);
    expect(await counted('database')).toBeGreaterThanOrEqual(before + 2);
    // the next whistle there, counted in memory, sees both
    const m = await counted('memory');
    const third = await blow(address);
    expect(await counted('memory')).toBe(m + 1);
    expect(earlier(third)).toBe(2);
  });

  it('a policy that another instance published meanwhile applies from the first whistle blown after it (the statement checks the version it decided under)', async () => {
    // another triage instance publishes the next version: an append this instance's cache never saw
    const [row]: Array<{ version: string }> = await svc.dataSource.query(`SELECT version FROM streams WHERE stream_id = 'policy-triage'`);
    const streamVersion = row ? Number(row.version) : 0;
    const next = streamVersion + 2; // v1 is built in: the stream's first event is v2
    const sla = { ...DEFAULT_TRIAGE_POLICY.sla, BLUE: { report: 'PT3H', arrive: 'PT12H', complete: 'P4D' } };
    await svc.dataSource.transaction((em) =>
      new EventStore().append(em, 'policy-triage', streamVersion, [{ type: 'TriagePolicyPublished', data: { version: next, sla, rules: DEFAULT_TRIAGE_POLICY.rules } }], {
        correlationId: randomUUID(),
        causationId: null,
        actor: { role: 'admin', org: null, sub: 'another-instance' },
      }),
    );
    const before = await counted('memory');
    const t = await blow(`策略路${randomUUID().slice(0, 8)}号`);
    expect(await counted('memory')).toBeGreaterThan(before); // decided from the index, first under the old version
    expect(t.policyVersion).toBe(next);
    expect(t.sla).toEqual(sla.BLUE);
  });

  it('with a second member it counts in the database (and sees the sites recorded elsewhere); alone again it reloads them', async () => {
    const address = `共享路${randomUUID().slice(0, 8)}号`;
    const groupId = svc.messaging.consumerGroupId('events');
    // a second member of triage's group that takes its share of the partitions and holds them, paused
    const second = await pausedSecondMember(svc.messaging.admin, groupId, topic());
    other = second.consumer;
    // the partitions the paused member holds see nothing triaged: send to one that triage holds
    expect(second.mine.length).toBeGreaterThan(0);
    expect(second.theirs.length).toBeGreaterThan(0);
    await recordedElsewhere(address, 2);
    const before = { memory: await counted('memory'), database: await counted('database') };
    const shared = await blow(address, second.mine[0]);
    expect(shared.level).toBe('YELLOW');
    expect(earlier(shared)).toBe(2);
    expect(await counted('database')).toBeGreaterThan(before.database);
    expect(await counted('memory')).toBe(before.memory);
    expect(await metric('chuishao_triage_site_index_sites')).toBe(0);

    // the other member leaves: triage owns every partition again, and loads the index anew
    await other.disconnect();
    other = undefined;
    await recordedElsewhere(address, 1);
    await eventually(async () => {
      const m = await counted('memory');
      await blow(`别处${randomUUID().slice(0, 8)}号`);
      return (await counted('memory')) > m;
    }, 60000, 0);
    const sitesThere: Array<{ n: string }> = await svc.dataSource.query(`SELECT count(*) AS n FROM whistle_sites WHERE normalised_address = $1 AND blown_at >= now() - $2 * interval '1 millisecond'`, [address, 30 * DAY_MS]);
    const again = await blow(address);
    // the 2 + 1 recorded elsewhere and the one triaged while shared: all in the reloaded index
    expect(earlier(again)).toBe(Number(sitesThere[0].n));
    expect(earlier(again)).toBe(4);
  }, 180000);
});

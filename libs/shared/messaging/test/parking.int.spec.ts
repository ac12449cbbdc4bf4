import type { Admin, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { EventStoreMigration1732500000000, openServiceDatabase } from '@chuishao/event-store';
import { eventually, freshDatabase, kafkaBrokers, silentLog, testTopicPrefix } from '@chuishao/testing';
import { createKafka, ensureTopics, KafkaEventServer, PARK_PERMANENT_FAILURES, ParkedMigration1732500000002, processOnce, type KafkaEventContext } from '../src';

/**
 * The failure policy on real Kafka and PostgreSQL (contract §10): a message the store refuses is
 * parked with its reason and the later messages of its key behind it, every other key flows, and a
 * replay after the fix applies them in order, exactly once; an unknown failure that persists while
 * the database answers is parked after five attempts; a transient one is retried and shows in
 * health() until it passes. Each would wedge the partition with the old "retry forever".
 */
describe('KafkaEventServer: permanent failures are parked per key, transient ones retried', () => {
  const label = 'parking';
  const prefix = testTopicPrefix(label);
  const topic = `${prefix}.items`;
  const kafka = createKafka(`${label}-test`, kafkaBrokers().split(','), silentLog);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let admin: Admin;
  let producer: Producer;
  let server: KafkaEventServer;
  let serializationFailuresLeft = 3;
  const healthSeen: string[] = [];

  const send = (key: string, n: number) => producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify({ id: `m${n}`, n }) }] });
  const applied = async (): Promise<number[]> => (await ds.query(`SELECT n FROM items ORDER BY seq`)).map((r: { n: number }) => r.n);
  const parked = async (): Promise<Array<{ key: string; offset: string; reason: string }>> => ds.query(`SELECT key, "offset", reason FROM parked ORDER BY id`);
  const notices = async (): Promise<Array<{ key: string; state: string; reason: string | null }>> =>
    (await ds.query(`SELECT key, value FROM outbox WHERE topic = $1 ORDER BY id`, [`${prefix}.chuishao.ops.stuck`])).map((r: { value: string }) => JSON.parse(r.value));

  beforeAll(async () => {
    db = await freshDatabase(label);
    ds = await openServiceDatabase({ url: db.url, schema: label, migrations: [EventStoreMigration1732500000000, ParkedMigration1732500000002] });
    await ds.query(`CREATE TABLE items (seq serial PRIMARY KEY, n int NOT NULL CONSTRAINT not_thirteen CHECK (n <> 13))`);
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 2, retention: 'forever' }]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    server = new KafkaEventServer({ kafka, groupId: `${prefix}-group`, service: label, producer, topicPrefix: prefix, dataSource: ds, parkedPollMs: 200, log: silentLog });
    server.addHandler(
      'items',
      async (payload: { id: string; n: number }, ctx: KafkaEventContext) => {
        if (payload.n === 99) throw new TypeError("Cannot read properties of undefined (reading 'level')");
        if (payload.n === 50 && serializationFailuresLeft-- > 0) {
          healthSeen.push(...server.health().retrying.map((r) => r.reason));
          throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
        }
        await processOnce(ds, 'items', payload.id, (em) => em.query(`INSERT INTO items (n) VALUES ($1)`, [payload.n]).then(() => undefined), ctx);
      },
      true,
      PARK_PERMANENT_FAILURES,
    );
    await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  });

  afterAll(async () => {
    await server?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  it('parks what the store refuses with the later messages of its key, lets the other keys flow, and replays them in order once fixed', async () => {
    const w1 = `${prefix}-w1`;
    const w2 = `${prefix}-w2`;
    for (const [key, n] of [[w1, 12], [w1, 13], [w2, 20], [w1, 14], [w2, 21]] as const) await send(key, n);
    await eventually(async () => (await applied()).length === 3 && (await parked()).length === 2, 30000);
    expect((await applied()).sort()).toEqual([12, 20, 21]);
    const rows = await parked();
    expect(rows.map((r) => r.key)).toEqual([w1, w1]);
    expect(rows[0].reason).toMatch(/^PostgreSQL 23514: new row for relation "items" violates check constraint "not_thirteen"/);
    expect(rows[1].reason).toBe(`waiting behind the parked messages of ${w1}`);
    expect(server.health().parked).toBe(1);
    expect(await notices()).toEqual([expect.objectContaining({ key: w1, state: 'STUCK', service: label, reason: rows[0].reason })]);

    // a later message of the key waits too; one of another key does not
    await send(w1, 15);
    await send(w2, 22);
    await eventually(async () => (await parked()).length === 3 && (await applied()).includes(22), 30000);

    // the fix, then the operator's replay (what `npm run parked -- replay <key>` writes)
    await ds.query(`ALTER TABLE items DROP CONSTRAINT not_thirteen`);
    await ds.query(`UPDATE parked SET request = 'REPLAY' WHERE key = $1`, [w1]);
    await eventually(async () => (await parked()).length === 0, 30000);
    const after = await applied();
    expect(after.filter((n) => n < 20)).toEqual([12, 13, 14, 15]); // the key's order kept
    expect(server.health().parked).toBe(0);
    expect((await notices()).map((n) => n.state)).toEqual(['STUCK', 'CLEARED']);

    // exactly once: the parked messages delivered again change nothing; the key flows again
    await send(w1, 13);
    await send(w1, 16);
    await eventually(async () => (await applied()).includes(16), 30000);
    expect((await applied()).filter((n) => n === 13)).toHaveLength(1);
  }, 90000);

  it('parks an unknown failure after five attempts while the database answers, and retries a transient one (shown in health) until it passes', async () => {
    const key = `${prefix}-w3`;
    await send(key, 99);
    await send(key, 50);
    const [row] = await eventually(async () => {
      const r = (await parked()).filter((p) => p.key === key);
      return r.length === 2 ? r : undefined;
    }, 30000);
    expect(row.reason).toBe("TypeError: Cannot read properties of undefined (reading 'level') (5 attempts)");

    const other = `${prefix}-w4`;
    await send(other, 50);
    await eventually(async () => (await applied()).includes(50), 30000);
    expect(serializationFailuresLeft).toBeLessThan(0);
    expect(healthSeen).toContain('PostgreSQL 40001: could not serialize access due to concurrent update');
    expect(server.health().retrying).toEqual([]);
  }, 90000);
});

import { DataSource } from 'typeorm';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { EventStoreMigration1732500000000, openServiceDatabase } from '@chuishao/event-store';
import { eventually, freshDatabase, kafkaBrokers, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka, deferToBatchEnd, ensureTopics, KafkaEventServer, KafkaEventContext, processOnce, RejectMessage } from '../src';

/**
 * The consumer's shared batch transaction on real Kafka and PostgreSQL: many messages, one commit
 * (ids with quotes and backslashes too);
 * a rejected message in the middle leaves the others applied; a failing handler is retried alone
 * and applied once (what it set aside for the batch's end is dropped with it); nothing is applied twice.
 */

describe('KafkaEventServer with a DataSource (batch transactions)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let admin: Admin;
  let producer: Producer;
  let server: KafkaEventServer;
  let rejectedReader: Consumer;
  const prefix = testTopicPrefix('batch');
  const topic = `${prefix}.items`;
  const kafka = createKafka('batch-test', kafkaBrokers().split(','), silentLog);
  const rejected: string[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    db = await freshDatabase('batch_consumer');
    ds = await openServiceDatabase({ url: db.url, schema: 'batch', migrations: [EventStoreMigration1732500000000] });
    await ds.query(`CREATE TABLE applied (n int PRIMARY KEY, tx xid8 NOT NULL DEFAULT pg_current_xact_id())`);
    await ds.query(`CREATE TABLE deferred (n int PRIMARY KEY, flushed_with int NOT NULL)`);
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: 1, retention: 'forever' },
      { name: `${topic}.rejected`, partitions: 1, retention: 'forever' },
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // 200 messages first, so the consumer finds them in a few large fetches; n = 7 twice (a replay)
    const values = [...Array.from({ length: 200 }, (_, i) => i), 7];
    // ids travel as escaped literals in the batch path: one with a quote and a backslash, twice
    const tricky = { id: "o'brien\\'; DROP TABLE applied; --", n: 500 };
    await producer.send({
      topic,
      acks: -1,
      messages: [...values.map((n) => ({ id: `m${n}`, n })), tricky, tricky].map((v) => ({ key: 'k', value: JSON.stringify(v) })),
    });

    rejectedReader = kafka.consumer({ groupId: `${prefix}-rejected-reader` });
    await rejectedReader.connect();
    await rejectedReader.subscribe({ topics: [`${topic}.rejected`], fromBeginning: true });
    await rejectedReader.run({ eachMessage: async ({ message }) => void rejected.push(JSON.parse(String(message.value)).reason) });

    server = new KafkaEventServer({ kafka, groupId: `${prefix}-group`, producer, topicPrefix: '', dataSource: ds, maxPerTransaction: 50, log: silentLog });
    server.addHandler(
      topic,
      async (payload: { id: string; n: number }, ctx: KafkaEventContext) => {
        if (payload.n === 42) throw new RejectMessage('42 is refused');
        await processOnce(ds, 'items', payload.id, async (em) => {
          await em.query(`INSERT INTO applied (n) VALUES ($1)`, [payload.n]);
          await deferToBatchEnd(em, 'deferred', payload.n, async (db, ns) => {
            await db.query(`INSERT INTO deferred (n, flushed_with) SELECT x, $2 FROM unnest($1::int[]) x`, [ns, ns.length]);
          });
          if (payload.n === 120 && failuresLeft-- > 0) throw new Error('transient failure');
        }, ctx);
      },
      true,
    );
    await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  });

  afterAll(async () => {
    await server?.close();
    await rejectedReader?.disconnect();
    await producer?.disconnect();
    await admin?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  it('applies every message once, rejects the bad one, retries the failing one, and shares commits', async () => {
    await eventually(async () => Number((await ds.query(`SELECT count(*) AS n FROM applied`))[0].n) === 200, 60000);
    await eventually(async () => rejected.length === 1, 30000);
    expect(rejected).toEqual(['42 is refused']);
    const [{ n, distinct, txs }] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT n)::int AS distinct, count(DISTINCT tx)::int AS txs FROM applied`);
    expect(n).toBe(200);
    expect(distinct).toBe(200);
    expect(failuresLeft).toBeLessThanOrEqual(0);
    const [{ dup }] = await ds.query(`SELECT count(*)::int AS dup FROM inbox WHERE consumer = 'items'`);
    expect(dup).toBe(200);
    expect((await ds.query(`SELECT message_id FROM inbox WHERE message_id LIKE 'o''brien%'`))[0].message_id).toBe("o'brien\\'; DROP TABLE applied; --");
    expect(txs).toBeLessThan(100); // ≥ 2 messages a commit on average (50 at most per transaction)
    // set aside and written at the batch's end, in bulk; 120's first attempts left nothing behind
    const [{ d, biggest }] = await ds.query(`SELECT count(*)::int AS d, max(flushed_with)::int AS biggest FROM deferred`);
    expect(d).toBe(200);
    expect(biggest).toBeGreaterThan(1);
  });
});

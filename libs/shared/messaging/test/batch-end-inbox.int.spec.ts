import { DataSource } from 'typeorm';
import type { Admin, Producer } from 'kafkajs';
import { EventStoreMigration1732500000000, openServiceDatabase } from '@chuishao/event-store';
import { eventually, freshDatabase, kafkaBrokers, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka, ensureTopics, KafkaEventServer, KafkaEventContext, processOnceAtBatchEnd } from '../src';

/**
 * processOnceAtBatchEnd on real Kafka and PostgreSQL: a projection whose inbox rows are written at
 * the batch end, in one statement with the batch's transaction, applies every message once — a
 * message twice in one batch, and a whole run delivered again, change nothing — in fewer writes
 * than messages.
 */

describe('processOnceAtBatchEnd (inbox rows at the batch end)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let admin: Admin;
  let producer: Producer;
  let server: KafkaEventServer;
  const prefix = testTopicPrefix('batchend');
  const topic = `${prefix}.items`;
  const kafka = createKafka('batch-end-test', kafkaBrokers().split(','), silentLog);
  const send = (ids: number[]) => producer.send({ topic, acks: -1, messages: ids.map((n) => ({ key: 'k', value: JSON.stringify({ id: `m${n}`, n }) })) });

  beforeAll(async () => {
    db = await freshDatabase('batch_end_inbox');
    ds = await openServiceDatabase({ url: db.url, schema: 'batchend', migrations: [EventStoreMigration1732500000000] });
    // no key: a message applied twice would show as two rows
    await ds.query(`CREATE TABLE applied (n int NOT NULL, flush int NOT NULL)`);
    await ds.query(`CREATE SEQUENCE flushes`);
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: 1, retention: 'forever' },
      { name: `${topic}.rejected`, partitions: 1, retention: 'forever' },
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // 150 messages, m7 three times in a row (one batch sees it more than once)
    await send([...Array.from({ length: 150 }, (_, i) => i), 7, 7]);
    server = new KafkaEventServer({ kafka, groupId: `${prefix}-group`, producer, topicPrefix: '', dataSource: ds, maxPerTransaction: 50, log: silentLog });
    server.addHandler(
      topic,
      async (payload: { id: string; n: number }, ctx: KafkaEventContext) => {
        await processOnceAtBatchEnd(ds, 'items', payload.id, payload.n, async (em, ns) => {
          await em.query(`WITH f AS (SELECT nextval('flushes') AS id) INSERT INTO applied (n, flush) SELECT x, f.id FROM unnest($1::int[]) x, f`, [ns]);
        }, ctx);
      },
      true,
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

  it('applies each message once, in bulk, and a redelivered run not at all', async () => {
    await eventually(async () => Number((await ds.query(`SELECT count(*) AS n FROM applied`))[0].n) >= 150, 60000);
    // the same 150 again (as after a crash before the offsets were committed)
    await send(Array.from({ length: 150 }, (_, i) => i));
    await send([1000]);
    await eventually(async () => Number((await ds.query(`SELECT count(*) AS n FROM applied WHERE n = 1000`))[0].n) === 1, 60000);
    const [{ n, distinct, flushes }] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT n)::int AS distinct, count(DISTINCT flush)::int AS flushes FROM applied`);
    expect(n).toBe(151);
    expect(distinct).toBe(151);
    expect(await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'items'`)).toEqual([{ n: 151 }]);
    expect(flushes).toBeLessThan(151); // rows of many messages per flush
  });
});

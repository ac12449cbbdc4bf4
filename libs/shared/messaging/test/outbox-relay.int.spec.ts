import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { EventStoreMigration1732500000000, openServiceDatabase } from '@chuishao/event-store';
import { eventually, freshDatabase, kafkaBrokers, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka, enqueue, ensureTopics, OutboxRelay } from '../src';

/**
 * The outbox relay on real PostgreSQL and Kafka (ADRs 0003, 0009): everything committed is
 * published in order; published rows are deleted by the statement that reads the next batch, or
 * soon after when none comes; a relay that dies before deleting leaves its rows to be published
 * again (never lost); a row whose transaction commits after a later row was published is still
 * published.
 */

describe('OutboxRelay', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  const prefix = testTopicPrefix('relay');
  const topic = `${prefix}.items`;
  const kafka = createKafka('relay-test', kafkaBrokers().split(','), silentLog);
  const received: string[] = [];
  const outboxCount = async () => Number((await ds.query(`SELECT count(*) AS n FROM outbox`))[0].n);
  const client = async () => {
    const c = new Client({ connectionString: db.url, options: '-c search_path=relay' });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase('outbox_relay');
    ds = await openServiceDatabase({ url: db.url, schema: 'relay', migrations: [EventStoreMigration1732500000000] });
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 1, retention: 'forever' }]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `${prefix}-reader`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  const put = (values: string[]) => ds.transaction((em) => enqueue(em, values.map((value) => ({ topic, key: 'k', value }))));

  it('publishes committed rows in order and deletes them soon after, though no new row comes', async () => {
    const relay = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000 });
    await relay.start();
    try {
      await put(['a1', 'a2']);
      await put(['a3']);
      await eventually(async () => received.length >= 3);
      expect(received).toEqual(['a1', 'a2', 'a3']);
      // the safety poll is a minute: the lingering delete runs on its own
      await eventually(async () => (await outboxCount()) === 0, 5000);
    } finally {
      await relay.stop();
    }
  });

  it('deletes a batch with the statement that reads the next one; a relay gone before that republishes it', async () => {
    received.length = 0;
    const c = await client();
    const first = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer });
    await put(['b1', 'b2']);
    expect(await first.drainOnce(c)).toBe(2);
    await eventually(async () => received.length >= 2);
    expect(await outboxCount()).toBe(2); // published, not deleted yet
    // the first relay dies here; another one publishes the rows again (the consumers' inbox drops them)
    const second = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer });
    expect(await second.drainOnce(c)).toBe(2);
    await put(['b3']);
    expect(await second.drainOnce(c)).toBe(1); // b3 read, b1 and b2 deleted in the same statement
    expect((await ds.query(`SELECT value FROM outbox ORDER BY id`)).map((r: { value: string }) => r.value)).toEqual(['b3']);
    expect(await second.drainOnce(c)).toBe(0);
    expect(await outboxCount()).toBe(0);
    await eventually(async () => received.length >= 5);
    expect(received).toEqual(['b1', 'b2', 'b1', 'b2', 'b3']);
    await c.end();
  });

  it('publishes a row whose transaction commits after a later row was published', async () => {
    received.length = 0;
    const c = await client();
    const relay = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer });
    const slow = ds.createQueryRunner();
    await slow.startTransaction();
    await enqueue(slow.manager, [{ topic, key: 'k', value: 'slow (smaller id)' }]);
    await put(['fast (larger id)']);
    expect(await relay.drainOnce(c)).toBe(1);
    await slow.commitTransaction();
    await slow.release();
    expect(await relay.drainOnce(c)).toBe(1);
    expect(await relay.drainOnce(c)).toBe(0);
    expect(await outboxCount()).toBe(0);
    await eventually(async () => received.length >= 2);
    expect(received).toEqual(['fast (larger id)', 'slow (smaller id)']);
    await c.end();
  });
});

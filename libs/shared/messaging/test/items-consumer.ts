import { DataSource } from 'typeorm';
import type { Admin, Message, Producer } from 'kafkajs';
import { EventStoreMigration1732500000000 } from '@chuishao/event-store';
import { openServiceDatabase } from '@chuishao/postgres';
import { freshDatabase, testKafkaConnection, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka, KafkaEventServer, KafkaEventContext, OUTBOX_WAKE_OPTION, ParkedMigration1732500000002 } from '../src';
import { ensureTopics } from '../src/topics';

/** The message of item n: `{ id: 'm<n>', n }`, all on one key. */
export const itemMessage = (n: number): Message => ({ key: 'k', value: JSON.stringify({ id: `m${n}`, n }) });

/** The handler of the items, given the consumer's DataSource. */
export type ItemsHandler<P> = (ds: DataSource) => (payload: P, ctx: KafkaEventContext) => Promise<void>;

export interface ItemsConsumerOptions<P> {
  /** Names the database, its schema, the topic prefix and the Kafka client. */
  label: string;
  /** DDL run in the fresh schema before the consumer starts (the tables the handler writes). */
  table: string;
  /** Partitions of the items topic; default 1. */
  partitions?: number;
  /** Messages on the topic before the consumer starts, so that its first fetches carry them. */
  seed: Message[];
  handler: ItemsHandler<P>;
  /** The handler's @EventPattern extras (e.g. PARK_PERMANENT_FAILURES). */
  extras?: Record<string, unknown>;
  /** How often the consumer looks for parked requests (default the server's). */
  parkedPollMs?: number;
}

/**
 * A KafkaEventServer with a DataSource (batches of ≤ 50) on real Kafka and PostgreSQL, consuming
 * `<prefix>.items` (and its rejected topic) from a fresh database: set up in `beforeAll`, torn down
 * in `afterAll` of the describe block that calls it. `send` feeds more items ({@link itemMessage}).
 */
export function itemsConsumer<P>(o: ItemsConsumerOptions<P>): { ds: () => DataSource; server: () => KafkaEventServer; topic: string; producer: () => Producer; send: (ids: number[]) => Promise<unknown> } {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let admin: Admin;
  let producer: Producer;
  let server: KafkaEventServer;
  const prefix = testTopicPrefix(o.label);
  const topic = `${prefix}.items`;
  const kafka = createKafka(`${o.label}-test`, testKafkaConnection(), silentLog);
  const send = (ids: number[]) => producer.send({ topic, acks: -1, messages: ids.map(itemMessage) });

  beforeAll(async () => {
    db = await freshDatabase(o.label);
    ds = await openServiceDatabase({ url: db.url, schema: o.label, migrations: [EventStoreMigration1732500000000, ParkedMigration1732500000002], sessionOptions: OUTBOX_WAKE_OPTION });
    await ds.query(o.table);
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: o.partitions ?? 1, retention: 'forever' },
      { name: `${topic}.rejected`, partitions: 1, retention: 'forever' },
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: o.seed });
    server = new KafkaEventServer({ kafka, groupId: `${prefix}-group`, service: o.label, producer, topicPrefix: '', dataSource: ds, maxPerTransaction: 50, parkedPollMs: o.parkedPollMs, log: silentLog });
    server.addHandler(topic, o.handler(ds), true, o.extras);
    await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  });

  afterAll(async () => {
    await server?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });
  return { ds: () => ds, server: () => server, topic, producer: () => producer, send };
}

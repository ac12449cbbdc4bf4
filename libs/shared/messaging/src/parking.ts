import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { enqueue } from './outbox-insert';

/**
 * Parked messages (contract §10): an internal event a consumer cannot apply for a permanent
 * reason is set aside here with its reason, together with every later message of the same key
 * (the whistle) for that consumer, so the whistle's order is kept while every other whistle flows.
 * An operator replays or discards a key (`npm run parked`), which writes a request on its rows;
 * the consumer that owns the key's partition acts on it.
 */
export const PARKED_DDL = `
CREATE TABLE IF NOT EXISTS parked (
  id         bigserial PRIMARY KEY,
  consumer   text NOT NULL,
  key        text NOT NULL,
  topic      text NOT NULL,
  partition  int NOT NULL,
  "offset"   bigint NOT NULL,
  value      text,
  headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
  "timestamp" text NOT NULL,
  reason     text NOT NULL,
  parked_at  timestamptz NOT NULL DEFAULT now(),
  request    text CHECK (request IN ('REPLAY', 'DISCARD')),
  UNIQUE (consumer, topic, partition, "offset")
);
CREATE INDEX IF NOT EXISTS parked_by_key ON parked (consumer, key, id);
CREATE INDEX IF NOT EXISTS inbox_by_age ON inbox (processed_at);
`;

/** After the event store's: the parked table, and the inbox's age index for pruning (see InboxPruner). */
export class ParkedMigration1732500000002 implements MigrationInterface {
  name = 'ParkedMigration1732500000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(PARKED_DDL);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS inbox_by_age; DROP TABLE IF EXISTS parked;`);
  }
}

/**
 * What every service tells about a key it parks or clears, on the stuck topic (keyed by the
 * key): intake keeps the whistles' `stuck` list from it (contract §10).
 */
export interface StuckNotice {
  key: string;
  service: string;
  consumer: string;
  state: 'STUCK' | 'CLEARED';
  /** The first parked message's reason (STUCK). */
  reason: string | null;
  since: string;
}

export interface ParkedRow {
  id: string;
  key: string;
  topic: string;
  partition: number;
  offset: string;
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
  reason: string;
  request: 'REPLAY' | 'DISCARD' | null;
}

/** A parked row as the message it was (for its handler, on replay). */
export function parkedMessage(row: ParkedRow): KafkaMessage {
  return {
    key: row.key === '' ? null : Buffer.from(row.key, 'utf8'),
    value: row.value === null ? null : Buffer.from(row.value, 'utf8'),
    offset: String(row.offset),
    timestamp: row.timestamp,
    headers: Object.fromEntries(Object.entries(row.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
    attributes: 0,
    size: undefined,
  };
}

/** The key a message is parked under: its Kafka key ('' when it has none). */
export const parkingKey = (message: KafkaMessage): string => (message.key ? message.key.toString('utf8') : '');

/**
 * One consumer group's parked messages. Keeps the parked keys in memory (loaded at each join of
 * the group, updated as it parks and clears), so a message of a key that is not parked costs a
 * set look-up and nothing else.
 */
export class ParkingLot {
  private keys = new Set<string>();

  constructor(
    private readonly ds: DataSource,
    private readonly o: { consumer: string; service: string; stuckTopic: string },
  ) {}

  isParked(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Reads which keys are parked for this consumer (at start and after each rebalance). */
  async load(): Promise<void> {
    const rows: Array<{ key: string }> = await this.ds.query(`SELECT DISTINCT key FROM parked WHERE consumer = $1`, [this.o.consumer]);
    this.keys = new Set(rows.map((r) => r.key));
  }

  /**
   * Parks a message with its reason, idempotently (a redelivered message is parked once); the
   * first message of a key also tells the stuck topic, in the same transaction.
   */
  async park(topic: string, partition: number, message: KafkaMessage, reason: string): Promise<void> {
    const key = parkingKey(message);
    await this.ds.transaction(async (em) => {
      const [{ first }]: Array<{ first: boolean }> = await em.query(`SELECT NOT EXISTS (SELECT 1 FROM parked WHERE consumer = $1 AND key = $2) AS first`, [this.o.consumer, key]);
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v)]));
      await em.query(
        `INSERT INTO parked (consumer, key, topic, partition, "offset", value, headers, "timestamp", reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (consumer, topic, partition, "offset") DO NOTHING`,
        [this.o.consumer, key, topic, partition, message.offset, message.value ? message.value.toString('utf8') : null, JSON.stringify(headers), message.timestamp, reason],
      );
      if (first) await this.notify(em, key, 'STUCK', reason);
    });
    this.keys.add(key);
  }

  /** Keys with an operator's request on their first row, oldest first. */
  async requested(): Promise<Array<{ key: string; request: 'REPLAY' | 'DISCARD'; topic: string; partition: number }>> {
    return this.ds.query(
      `SELECT DISTINCT ON (key) key, request, topic, partition FROM parked WHERE consumer = $1 AND request IS NOT NULL ORDER BY key, id`,
      [this.o.consumer],
    );
  }

  /** The key's first parked message, or undefined when none is left. */
  async first(key: string): Promise<ParkedRow | undefined> {
    const [row]: ParkedRow[] = await this.ds.query(
      `SELECT id, key, topic, partition, "offset", value, headers, "timestamp", reason, request FROM parked WHERE consumer = $1 AND key = $2 ORDER BY id LIMIT 1`,
      [this.o.consumer, key],
    );
    return row;
  }

  /** A replayed message was applied: its row goes. */
  async applied(id: string): Promise<void> {
    await this.ds.query(`DELETE FROM parked WHERE id = $1`, [id]);
  }

  /** A replay failed again: the key stays parked with the new reason, and the request is dropped. */
  async failedAgain(key: string, id: string, reason: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(`UPDATE parked SET reason = $2 WHERE id = $1`, [id, reason]);
      await em.query(`UPDATE parked SET request = NULL WHERE consumer = $1 AND key = $2`, [this.o.consumer, key]);
      await this.notify(em, key, 'STUCK', reason);
    });
  }

  /** Every message of the key is replayed or discarded: the key flows again. */
  async clear(key: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(`DELETE FROM parked WHERE consumer = $1 AND key = $2`, [this.o.consumer, key]);
      await this.notify(em, key, 'CLEARED', null);
    });
    this.keys.delete(key);
  }

  private async notify(em: EntityManager, key: string, state: StuckNotice['state'], reason: string | null): Promise<void> {
    const notice: StuckNotice = { key, service: this.o.service, consumer: this.o.consumer, state, reason, since: new Date().toISOString() };
    await enqueue(em, [{ topic: this.o.stuckTopic, key, value: JSON.stringify(notice) }]);
  }
}

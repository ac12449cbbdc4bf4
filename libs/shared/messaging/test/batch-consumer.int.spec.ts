import type { Consumer } from 'kafkajs';
import { eventually, testKafkaConnection, silentLog } from '@chuishao/testing';
import { createKafka, KafkaEventContext, processOnce, RejectMessage } from '../src';
import { itemMessage, itemsConsumer } from './items-consumer';

/**
 * The consumer's shared batch transaction on real Kafka and PostgreSQL: many messages, one commit
 * (ids with quotes and backslashes too);
 * a rejected message in the middle leaves the others applied; a failing handler is retried alone
 * and applied once; nothing is applied twice.
 */

describe('KafkaEventServer with a DataSource (batch transactions)', () => {
  let rejectedReader: Consumer;
  const rejected: string[] = [];
  let failuresLeft = 2;
  // ids travel as escaped literals in the batch path: one with a quote and a backslash, twice
  const tricky = { key: 'k', value: JSON.stringify({ id: "o'brien\\'; DROP TABLE applied; --", n: 500 }) };
  const c = itemsConsumer({
    label: 'batch',
    table: `CREATE TABLE applied (n int PRIMARY KEY, tx xid8 NOT NULL DEFAULT pg_current_xact_id())`,
    // 200 messages first, so the consumer finds them in a few large fetches; n = 7 twice (a replay)
    seed: [...[...Array.from({ length: 200 }, (_, i) => i), 7].map(itemMessage), tricky, tricky],
    handler: (ds) => async (payload: { id: string; n: number }, ctx: KafkaEventContext) => {
      if (payload.n === 42) throw new RejectMessage('42 is refused');
      await processOnce(ds, 'items', payload.id, async (em) => {
        await em.query(`INSERT INTO applied (n) VALUES ($1)`, [payload.n]);
        if (payload.n === 120 && failuresLeft-- > 0) throw new Error('transient failure');
      }, ctx);
    },
  });

  beforeAll(async () => {
    rejectedReader = createKafka('batch-rejected-reader', testKafkaConnection(), silentLog).consumer({ groupId: `${c.topic}-rejected-reader` });
    await rejectedReader.connect();
    await rejectedReader.subscribe({ topics: [`${c.topic}.rejected`], fromBeginning: true });
    await rejectedReader.run({ eachMessage: async ({ message }) => void rejected.push(JSON.parse(String(message.value)).reason) });
  });

  afterAll(async () => {
    await rejectedReader?.disconnect();
  });

  it('applies every message once, rejects the bad one, retries the failing one, and shares commits', async () => {
    const ds = c.ds();
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
  });
});

/**
 * ADR 0014: the partition batches of one fetch share their topic's batch transaction — one commit
 * for the partitions instead of one each — and a transaction opens at most 64 savepoints (the rest
 * waits for the next one); every message is still applied once, each partition's in its order —
 * a refused one goes to the rejected topic, and one that fails is retried alone, in its place.
 */
describe('KafkaEventServer with a DataSource (partitions share a transaction)', () => {
  const PARTITIONS = 4;
  const PER_PARTITION = 60;
  let failuresLeft = 1;
  const c = itemsConsumer({
    label: 'parts',
    table: `CREATE TABLE applied (id text PRIMARY KEY, partition int NOT NULL, seq int NOT NULL, at bigserial, tx xid8 NOT NULL DEFAULT pg_current_xact_id())`,
    partitions: PARTITIONS,
    // every partition's messages are there before the consumer starts: its fetches carry all four
    seed: Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
      partition: i % PARTITIONS,
      value: JSON.stringify({ id: `p${i % PARTITIONS}-${Math.floor(i / PARTITIONS)}`, seq: Math.floor(i / PARTITIONS) }),
    })),
    handler: (ds) => async (payload: { id: string; seq: number }, ctx: KafkaEventContext) => {
      if (payload.id === 'p1-7') throw new RejectMessage('p1-7 is refused');
      // a savepoint a message (processOnce inside the batch)
      await processOnce(
        ds,
        'items',
        payload.id,
        async (em) => {
          await em.query(`INSERT INTO applied (id, partition, seq) VALUES ($1, $2, $3)`, [payload.id, ctx.partition, payload.seq]);
          if (payload.id === 'p2-5' && failuresLeft > 0) {
            failuresLeft--;
            throw new Error('transient failure');
          }
        },
        ctx,
      );
    },
  });

  it('commits the partitions of a fetch together, in order, at most 64 savepoints a transaction', async () => {
    const ds = c.ds();
    // all but the refused one; the one that failed once is retried alone, in its place
    await eventually(async () => Number((await ds.query(`SELECT count(*) AS n FROM applied`))[0].n) === PARTITIONS * PER_PARTITION - 1, 60000);
    expect(failuresLeft).toBe(0);
    expect(await ds.query(`SELECT id FROM applied WHERE id = 'p1-7'`)).toEqual([]);
    const txs: Array<{ partitions: number; n: number }> = await ds.query(`SELECT count(DISTINCT partition)::int AS partitions, count(*)::int AS n FROM applied GROUP BY tx`);
    expect(Math.max(...txs.map((t) => t.partitions))).toBeGreaterThan(1);
    expect(Math.max(...txs.map((t) => t.n))).toBeLessThanOrEqual(64);
    // each partition's messages were applied in their order
    const disorder = await ds.query(`SELECT a.id FROM applied a JOIN applied b ON a.partition = b.partition AND a.seq < b.seq AND a.at > b.at`);
    expect(disorder).toEqual([]);
    const [{ rows }] = await ds.query(`SELECT count(*)::int AS rows FROM inbox WHERE consumer = 'items'`);
    expect(rows).toBe(PARTITIONS * PER_PARTITION - 1);
  });
});

import type { DataSource } from 'typeorm';
import { eventually } from '@chuishao/testing';
import { processOnceAtBatchEnd, processOnceInOneStatement } from '../src';
import { itemMessage, itemsConsumer as consumer, type ItemsHandler } from './items-consumer';

type Item = { id: string; n: number };

/**
 * A consumer of `items` (batches of ≤ 50 in one partition), fed 150 messages with m7 three times
 * in a row (one batch sees it more than once), whose handler writes into `applied` (no key: a
 * message applied twice would show as two rows). `send` feeds more.
 */
function itemsConsumer(label: string, table: string, handler: ItemsHandler<Item>): { ds: () => DataSource; send: (ids: number[]) => Promise<unknown> } {
  return consumer({ label, table, handler, seed: [...Array.from({ length: 150 }, (_, i) => i), 7, 7].map(itemMessage) });
}

/** The first 150 applied, then the same 150 again (as after a crash before the offsets were committed) and one more. */
async function deliverTwice(ds: DataSource, send: (ids: number[]) => Promise<unknown>): Promise<void> {
  await eventually(async () => Number((await ds.query(`SELECT count(*) AS n FROM applied`))[0].n) >= 150, 60000);
  await send(Array.from({ length: 150 }, (_, i) => i));
  await send([1000]);
  await eventually(async () => Number((await ds.query(`SELECT count(*) AS n FROM applied WHERE n = 1000`))[0].n) === 1, 60000);
}

/**
 * processOnceAtBatchEnd: a projection whose inbox rows are written at the batch end, in one
 * statement with the batch's transaction, applies every message once — a message twice in one
 * batch, and a whole run delivered again, change nothing — in fewer writes than messages.
 */
describe('processOnceAtBatchEnd (inbox rows at the batch end)', () => {
  const c = itemsConsumer('batchend', `CREATE TABLE applied (n int NOT NULL, flush int NOT NULL); CREATE SEQUENCE flushes`, (ds) => async (payload, ctx) => {
    await processOnceAtBatchEnd(ds, 'items', payload.id, payload.n, async (em, ns) => {
      await em.query(`WITH f AS (SELECT nextval('flushes') AS id) INSERT INTO applied (n, flush) SELECT x, f.id FROM unnest($1::int[]) x, f`, [ns]);
    }, ctx);
  });

  it('applies each message once, in bulk, and a redelivered run not at all', async () => {
    const ds = c.ds();
    await deliverTwice(ds, c.send);
    const [{ n, distinct, flushes }] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT n)::int AS distinct, count(DISTINCT flush)::int AS flushes FROM applied`);
    expect(n).toBe(151);
    expect(distinct).toBe(151);
    expect(await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'items'`)).toEqual([{ n: 151 }]);
    expect(flushes).toBeLessThan(151); // rows of many messages per flush
  });
});

/**
 * processOnceInOneStatement: the batch's inbox rows are the gate of the one statement that writes
 * its effects, with no transaction around it. Every message is applied once, and each message's
 * inbox row and effect are written by the same statement (the same transaction id).
 */
describe('processOnceInOneStatement (the inbox rows as the gate of one statement)', () => {
  const c = itemsConsumer('onestmt', `CREATE TABLE applied (message_id text NOT NULL, n int NOT NULL)`, (ds) => async (payload, ctx) => {
    await processOnceInOneStatement(ds, 'items', payload.id, payload.n, async (em, items, inbox) => {
      const gate = inbox((messageId) => messageId)(3);
      await em.query(
        `WITH g AS (${gate.sql})
         INSERT INTO applied (message_id, n) SELECT DISTINCT ON (x.m) x.m, x.n FROM unnest($1::text[], $2::int[]) AS x(m, n) WHERE x.m IN (SELECT stream_id FROM g)`,
        [items.map((i) => i.messageId), items.map((i) => i.item), ...gate.params],
      );
    }, ctx);
  });

  it('applies each message once, with its inbox row in the same statement, and a redelivered run not at all', async () => {
    const ds = c.ds();
    await deliverTwice(ds, c.send);
    const [{ n, distinct, txs }] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT n)::int AS distinct, count(DISTINCT xmin::text)::int AS txs FROM applied`);
    expect(n).toBe(151);
    expect(distinct).toBe(151);
    expect(txs).toBeLessThan(151); // many messages a statement
    expect(await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'items'`)).toEqual([{ n: 151 }]);
    const [{ apart }] = await ds.query(
      `SELECT count(*)::int AS apart FROM applied a JOIN inbox i ON i.consumer = 'items' AND i.message_id = a.message_id WHERE a.xmin::text <> i.xmin::text`,
    );
    expect(apart).toBe(0);
  });
});

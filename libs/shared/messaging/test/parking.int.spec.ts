import { eventually } from '@chuishao/testing';
import { PARK_PERMANENT_FAILURES, processOnce, type KafkaEventContext } from '../src';
import { itemsConsumer } from './items-consumer';

/**
 * The failure policy on real Kafka and PostgreSQL (contract §10): a message the store refuses is
 * parked with its reason and the later messages of its key behind it, every other key flows, and a
 * replay after the fix applies them in order, exactly once; an unknown failure that persists while
 * the database answers is parked after five attempts; a transient one is retried and shows in
 * health() until it passes. Each would wedge the partition with the old "retry forever".
 */
describe('KafkaEventServer: permanent failures are parked per key, transient ones retried', () => {
  let serializationFailuresLeft = 3;
  const healthSeen: string[] = [];
  const c = itemsConsumer({
    label: 'parking',
    partitions: 2,
    table: `CREATE TABLE items (seq serial PRIMARY KEY, n int NOT NULL CONSTRAINT not_thirteen CHECK (n <> 13))`,
    seed: [],
    extras: PARK_PERMANENT_FAILURES,
    parkedPollMs: 200,
    handler: (ds) => async (payload: { id: string; n: number }, ctx: KafkaEventContext) => {
      if (payload.n === 99) throw new TypeError("Cannot read properties of undefined (reading 'level')");
      if (payload.n === 50 && serializationFailuresLeft-- > 0) {
        healthSeen.push(...c.server().health().retrying.map((r) => r.reason));
        throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
      }
      await processOnce(ds, 'items', payload.id, (em) => em.query(`INSERT INTO items (n) VALUES ($1)`, [payload.n]).then(() => undefined), ctx);
    },
  });
  const send = (key: string, n: number) => c.producer().send({ topic: c.topic, acks: -1, messages: [{ key, value: JSON.stringify({ id: `m${n}`, n }) }] });
  const applied = async (): Promise<number[]> => (await c.ds().query(`SELECT n FROM items ORDER BY seq`)).map((r: { n: number }) => r.n);
  const parked = async (): Promise<Array<{ key: string; offset: string; reason: string }>> => c.ds().query(`SELECT key, "offset", reason FROM parked ORDER BY id`);
  const notices = async (): Promise<Array<{ key: string; state: string; reason: string | null }>> =>
    (await c.ds().query(`SELECT value FROM outbox WHERE topic = 'chuishao.ops.stuck' ORDER BY id`)).map((r: { value: string }) => JSON.parse(r.value));

  it('parks what the store refuses with the later messages of its key, lets the other keys flow, and replays them in order once fixed', async () => {
    const [w1, w2] = ['w1', 'w2'];
    for (const [key, n] of [[w1, 12], [w1, 13], [w2, 20], [w1, 14], [w2, 21]] as const) await send(key, n);
    await eventually(async () => (await applied()).length === 3 && (await parked()).length === 2, 30000);
    expect((await applied()).sort()).toEqual([12, 20, 21]);
    const rows = await parked();
    expect(rows.map((r) => r.key)).toEqual([w1, w1]);
    expect(rows[0].reason).toMatch(/^PostgreSQL 23514: new row for relation "items" violates check constraint "not_thirteen"/);
    expect(rows[1].reason).toBe(`waiting behind the parked messages of ${w1}`);
    expect(c.server().health().parked).toBe(1);
    expect(await notices()).toEqual([expect.objectContaining({ key: w1, state: 'STUCK', service: 'parking', reason: rows[0].reason })]);

    // a later message of the key waits too; one of another key does not
    await send(w1, 15);
    await send(w2, 22);
    await eventually(async () => (await parked()).length === 3 && (await applied()).includes(22), 30000);

    // the fix, then the operator's replay (what `npm run parked -- replay <key>` writes)
    await c.ds().query(`ALTER TABLE items DROP CONSTRAINT not_thirteen`);
    await c.ds().query(`UPDATE parked SET request = 'REPLAY' WHERE key = $1`, [w1]);
    await eventually(async () => (await parked()).length === 0, 30000);
    expect((await applied()).filter((n) => n < 20)).toEqual([12, 13, 14, 15]); // the key's order kept
    expect(c.server().health().parked).toBe(0);
    expect((await notices()).map((n) => n.state)).toEqual(['STUCK', 'CLEARED']);

    // exactly once: the parked messages delivered again change nothing; the key flows again
    await send(w1, 13);
    await send(w1, 16);
    await eventually(async () => (await applied()).includes(16), 30000);
    expect((await applied()).filter((n) => n === 13)).toHaveLength(1);
  }, 90000);

  it('parks an unknown failure after five attempts while the database answers, and retries a transient one (shown in health) until it passes', async () => {
    await send('w3', 99);
    await send('w3', 50);
    const [row] = await eventually(async () => {
      const r = (await parked()).filter((p) => p.key === 'w3');
      return r.length === 2 ? r : undefined;
    }, 30000);
    expect(row.reason).toBe("TypeError: Cannot read properties of undefined (reading 'level') (5 attempts)");

    await send('w4', 50);
    await eventually(async () => (await applied()).includes(50), 30000);
    expect(serializationFailuresLeft).toBeLessThan(0);
    expect(healthSeen).toContain('PostgreSQL 40001: could not serialize access due to concurrent update');
    expect(c.server().health().retrying).toEqual([]);
  }, 90000);
});

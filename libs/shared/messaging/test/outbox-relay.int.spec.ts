import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { EventStoreMigration1732500000000, OutboxWakeMigration1732500000001 } from '@chuishao/event-store';
import { openServiceDatabase } from '@chuishao/postgres';
import { eventually, freshDatabase, testKafkaConnection, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka, enqueue, OUTBOX_WAKE_OPTION } from '../src';
import { OutboxRelay } from '../src/outbox-relay';
import type { RelayDrain } from '../src/outbox-relay.options';
import { ensureTopics } from '../src/topics';
import { announcedOutboxRows, onOutboxCommit, outboxWritesInFlight, type CommittedOutboxRow } from '../src/outbox-commits';

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
  const kafka = createKafka('relay-test', testKafkaConnection(), silentLog);
  const received: string[] = [];
  const outboxCount = async () => Number((await ds.query(`SELECT count(*) AS n FROM outbox`))[0].n);
  const client = async (options = '') => {
    const c = new Client({ connectionString: db.url, options: `-c search_path=relay ${options}` });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase('outbox_relay');
    ds = await openServiceDatabase({ url: db.url, schema: 'relay', migrations: [EventStoreMigration1732500000000, OutboxWakeMigration1732500000001], sessionOptions: OUTBOX_WAKE_OPTION });
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

  /** Until `relay` has published a marker and deleted it: connected, drained, asleep (its safety poll is long). */
  const settled = async () => {
    const marker = `marker ${Date.now()}`;
    const c = await client(); // a plain writer: the trigger notifies
    await c.query(`INSERT INTO outbox (topic, key, value) VALUES ($1, 'k', $2)`, [topic, marker]);
    await c.end();
    await eventually(async () => received.includes(marker) && (await outboxCount()) === 0, 5000);
    received.length = 0;
  };
  const put = (values: string[]) => ds.transaction((em) => enqueue(em, values.map((value) => ({ topic, key: 'k', value }))));

  it('publishes committed rows in order and deletes them soon after, though no new row comes; says what each batch took', async () => {
    const drains: RelayDrain[] = [];
    const relay = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000, onDrained: (d) => drains.push(d) });
    await relay.start();
    try {
      await put(['a1', 'a2']);
      await put(['a3']);
      await eventually(async () => received.length >= 3);
      expect(received).toEqual(['a1', 'a2', 'a3']);
      // every published row in one reported batch or another, each step timed (a read only for rows read)
      expect(drains.reduce((n, d) => n + d.rows, 0)).toBe(3);
      for (const d of drains) {
        if (d.source === 'outbox') expect(d.readSeconds).toBeGreaterThan(0);
        else expect(d.readSeconds).toBe(0);
        expect(d.publishSeconds).toBeGreaterThan(0);
      }
      // the safety poll is a minute: the lingering delete runs on its own
      await eventually(async () => (await outboxCount()) === 0, 5000);
    } finally {
      await relay.stop();
    }
  });

  describe('rows its own process committed (ADR 0019)', () => {
    let relay: OutboxRelay;
    const drains: RelayDrain[] = [];
    beforeEach(async () => {
      received.length = 0;
      drains.length = 0;
      // (a wait at a gap long enough for a test to end the write it waits for)
      relay = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000, gapWaitMs: 3000, onDrained: (d) => drains.push(d) });
      await relay.start();
      await settled(); // it has read its outbox once, so it knows where the ids are
      drains.length = 0;
    });
    afterEach(() => relay.stop());

    it('are handed over with the ids the table gave them, though four writers take ids at the same time', async () => {
      await relay.stop(); // (so none is deleted before the table is read here)
      const handed: CommittedOutboxRow[] = [];
      const unknown: number[] = [];
      const off = onOutboxCommit(({ rows }) => (rows ? handed.push(...rows) : unknown.push(1)));
      try {
        const many = (tag: string) => Array.from({ length: 2000 }, (_, i) => ({ topic, key: `k${i % 7}`, value: `${tag} ${i}` }));
        await Promise.all([put(many('w').map((m) => m.value)), put(many('x').map((m) => m.value)), enqueue(ds.manager, many('y')), ds.transaction((em) => enqueue(em, many('z')))]);
        expect(unknown).toEqual([]);
        expect(handed).toHaveLength(8000);
        const stored = await ds.query(`SELECT id::text AS id, value FROM outbox WHERE id = ANY($1::bigint[])`, [handed.map((r) => r.id)]);
        expect(new Map(stored.map((r: { id: string; value: string }) => [r.id, r.value]))).toEqual(new Map(handed.map((r) => [r.id, r.value])));
      } finally {
        off();
      }
      relay = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000 });
      await relay.start();
      await eventually(async () => received.length >= 8000 && (await outboxCount()) === 0, 10000);
    });

    it('are published as handed over at commit, without reading them back, and deleted after', async () => {
      await put(['c1', 'c2']);
      await enqueue(ds.manager, [{ topic, key: 'k', value: 'c3' }]); // autocommit
      await put(['c4']);
      await eventually(async () => received.length >= 4);
      expect(received).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(drains.filter((d) => d.source === 'commit').reduce((n, d) => n + d.rows, 0)).toBe(4);
      expect(drains.filter((d) => d.source === 'outbox')).toEqual([]);
      await eventually(async () => (await outboxCount()) === 0, 5000);
      expect(announcedOutboxRows()).toBe(0);
    });

    it("wait for the outbox to be read when a row before them was not handed over (another process's), and follow it", async () => {
      // another instance's row, its wake not there yet (no trigger NOTIFY, no wake in this process)
      const quiet = await client(OUTBOX_WAKE_OPTION);
      await quiet.query(`INSERT INTO outbox (topic, key, value) VALUES ($1, 'k', 'theirs, first')`, [topic]);
      await quiet.end();
      await put(['ours, after it']);
      await eventually(async () => received.length >= 2);
      expect(received).toEqual(['theirs, first', 'ours, after it']); // id order: per-key order kept
      expect(drains.map((d) => d.source)).toEqual(['outbox']);
    });

    it("wait at a gap for their own process's write under way, and go out with it in id order, nothing read", async () => {
      const first = ds.createQueryRunner();
      await first.startTransaction();
      await enqueue(first.manager, [{ topic, key: 'k', value: 'took its id first' }]);
      await put(['committed first']); // handed over; the id before it is the open transaction's
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toEqual([]);
      await first.commitTransaction();
      await first.release();
      await eventually(async () => received.length >= 2);
      expect(received).toEqual(['took its id first', 'committed first']);
      expect(drains.map((d) => d.source)).toEqual(['commit']);
      expect(outboxWritesInFlight()).toBe(0);
    });

    it('never include rows rolled back to a savepoint, nor those of a transaction whose COMMIT rolled back', async () => {
      const q = ds.createQueryRunner();
      await q.startTransaction();
      await enqueue(q.manager, [{ topic, key: 'k', value: 'kept' }]);
      await q.query('SAVEPOINT s');
      await enqueue(q.manager, [{ topic, key: 'k', value: 'rolled back to the savepoint' }]);
      await q.query('ROLLBACK TO SAVEPOINT s');
      await q.commitTransaction();
      const failed = ds.createQueryRunner();
      await failed.connect();
      await failed.query('BEGIN');
      await enqueue(failed.manager, [{ topic, key: 'k', value: 'in a failed transaction' }]);
      await expect(failed.query('SELECT 1/0')).rejects.toThrow();
      await failed.query('COMMIT'); // PostgreSQL answers ROLLBACK
      await put(['after them']);
      await q.release();
      await failed.release();
      await eventually(async () => received.length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toEqual(['kept', 'after them']);
      expect(await outboxCount()).toBe(0);
    });
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
  it("wakes on its own process's commits without a NOTIFY, and on the trigger's NOTIFY for any other writer", async () => {
    received.length = 0;
    const listener = await client();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.channel));
    await listener.query('LISTEN chuishao_outbox_relay');
    const relay = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000 });
    await relay.start();
    try {
      await settled();
      notified.length = 0;
      // the services' pool (PreparingClient, chuishao.outbox_wake=process): autocommit and in a transaction
      await enqueue(ds.manager, [{ topic, key: 'k', value: 'pool, one statement' }]);
      await put(['pool, transaction']);
      await eventually(async () => received.length >= 2, 5000);
      expect(received).toEqual(['pool, one statement', 'pool, transaction']);
      await new Promise((r) => setTimeout(r, 200));
      expect(notified).toEqual([]); // no NOTIFY, so no commit waited for the server's notify lock
      await eventually(async () => (await outboxCount()) === 0, 5000);
      // a writer of another process (a plain connection): the trigger notifies, the relay wakes
      const other = await client();
      await other.query(`INSERT INTO outbox (topic, key, value) VALUES ($1, 'k', 'another process')`, [topic]);
      await other.end();
      await eventually(async () => received.length >= 3, 5000);
      expect(received[2]).toBe('another process');
      expect(notified).toEqual(['chuishao_outbox_relay']);
    } finally {
      await relay.stop();
      await listener.end();
    }
  });

  /**
   * A leader relay and a standby on the schema (one-minute safety polls), and one row written as a
   * service connection of the standby's process would: no NOTIFY, and no wake in this process.
   */
  const withStandby = async (value: string, body: (leader: OutboxRelay, standby: OutboxRelay) => Promise<void>) => {
    received.length = 0;
    const leader = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000 });
    await leader.start();
    await settled();
    const standby = new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, safetyPollMs: 60000 });
    await standby.start();
    try {
      const quiet = await client(OUTBOX_WAKE_OPTION);
      await quiet.query(`INSERT INTO outbox (topic, key, value) VALUES ($1, 'k', $2)`, [topic, value]);
      await quiet.end();
      await body(leader, standby);
    } finally {
      await standby.stop();
      await leader.stop();
    }
  };

  it("a standby relay passes its process's wakes to the relay that holds the lock", () =>
    withStandby("committed in the standby's process", async (_leader, standby) => {
      await new Promise((r) => setTimeout(r, 1000));
      expect(received).toEqual([]); // nobody woke the leader (its safety poll is a minute away)
      standby.poke(); // what the standby's process does after such a commit: a NOTIFY to the leader
      await eventually(async () => received.length >= 1, 5000);
      expect(received).toEqual(["committed in the standby's process"]);
    }));

  it('a standby relay stopped while it waits for the lock publishes nothing', () =>
    withStandby('for the leader only', async (leader, standby) => {
      await new Promise((r) => setTimeout(r, 300)); // the standby is connected and waiting
      await standby.stop();
      await new Promise((r) => setTimeout(r, 500));
      expect(received).toEqual([]); // it did not publish without the lock (per-key order is the leader's)
      leader.poke();
      await eventually(async () => received.length >= 1, 5000);
      expect(received).toEqual(['for the leader only']);
    }));
  it('vacuums its outbox once enough rows were deleted, so it does not grow with every row it ever held (ADR 0015)', async () => {
    const heapPages = async () => Number((await ds.query(`SELECT pg_relation_size('outbox') / current_setting('block_size')::int AS n`))[0].n);
    /** 200 rows (about 8 pages) through `relay`; returns the table's pages afterwards. */
    const round = async (relay: OutboxRelay, tag: string) => {
      received.length = 0;
      await relay.start();
      try {
        for (let t = 0; t < 4; t++) await put(Array.from({ length: 50 }, (_, k) => `${tag} ${t}-${k} ${'x'.repeat(200)}`));
        await eventually(async () => received.length >= 200 && (await outboxCount()) === 0, 10000);
        await new Promise((r) => setTimeout(r, 300)); // (a VACUUM, if due, follows the drain that deleted the last rows)
      } finally {
        await relay.stop();
      }
      return heapPages();
    };
    await ds.query('VACUUM outbox');
    // autovacuum's job alone (it is off on this machine's server): deleted rows keep their space,
    // so the next rows need new pages
    const noVacuum = () => new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, vacuumEveryRows: 0 });
    const p1 = await round(noVacuum(), 'a');
    const p2 = await round(noVacuum(), 'b');
    expect(p2).toBeGreaterThan(p1 + 3);
    // the relay's own VACUUM every 50 deleted rows: the dead rows' space is reused, the table stops growing
    const vacuums: number[] = [];
    const vacuuming = () => new OutboxRelay({ databaseUrl: db.url, schema: 'relay', producer, vacuumEveryRows: 50, onVacuumed: (seconds) => vacuums.push(seconds) });
    const p3 = await round(vacuuming(), 'c');
    expect(vacuums.length).toBeGreaterThanOrEqual(1);
    const p4 = await round(vacuuming(), 'd');
    expect(p4).toBe(p3);
  });
});

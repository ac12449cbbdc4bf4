import { DataSource, type QueryRunner } from 'typeorm';
import { freshDatabase } from '@chuishao/testing';
import { auditStore, ConcurrencyError, EventStore, EventStoreMigration1732500000000 } from '../src';
import { WRITTEN_STREAMS } from '../src/event-store';
import { GroupCommitter, openServiceDatabase, runTogether, statementName } from '@chuishao/postgres';

const actor = { role: 'street', org: 'street-1', sub: 'alice' };
const meta = { correlationId: 'c1', causationId: null, actor };

/** A fresh database with the event store migrated in `schema`, for the tests of one describe block. */
function serviceDatabase(label: string, schema: string): () => DataSource {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  beforeAll(async () => {
    db = await freshDatabase(label);
    ds = await openServiceDatabase({ url: db.url, schema, migrations: [EventStoreMigration1732500000000] });
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });
  return () => ds;
}

/** A query runner that records the SQL it sends (to count round trips). */
function recordingRunner(ds: DataSource): { qr: QueryRunner; sent: string[] } {
  const qr = ds.createQueryRunner();
  const sent: string[] = [];
  const query = qr.query.bind(qr);
  qr.query = (async (sql: string, params?: unknown[]) => {
    sent.push(sql);
    return query(sql, params);
  }) as typeof qr.query;
  return { qr, sent };
}

describe('EventStore on PostgreSQL', () => {
  let ds: DataSource;
  const store = new EventStore({ upcasters: { Renamed: { 1: (d) => ({ ...(d as object), v2: true }) } } });

  const database = serviceDatabase('event_store', 'es');
  beforeAll(() => void (ds = database()));

  it('appends with expected version and reads the stream back in order, hash-chained', async () => {
    const stored = await ds.transaction((em) =>
      store.append(em, 'whistle-a', 0, [{ type: 'A', data: { n: 1 } }, { type: 'B', data: { n: 2, nested: { z: 1, a: 2 } } }], meta),
    );
    expect(stored.map((e) => e.streamPosition)).toEqual([1, 2]);
    expect(stored[0].prevHash).toBe('0'.repeat(64));
    expect(stored[1].prevHash).toBe(stored[0].hash);
    const read = await store.readStream(ds, 'whistle-a');
    expect(read.version).toBe(2);
    expect(read.events.map((e) => e.type)).toEqual(['A', 'B']);
    expect(read.events[1].hash).toBe(stored[1].hash);
    expect(await store.verifyStream(ds, 'whistle-a')).toEqual({ valid: true, length: 2 });
  });

  it('raises a typed ConcurrencyError on a stale expected version and writes nothing', async () => {
    await expect(ds.transaction((em) => store.append(em, 'whistle-a', 1, [{ type: 'C', data: {} }], meta))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await expect(ds.transaction((em) => store.append(em, 'whistle-a', 0, [{ type: 'C', data: {} }], meta))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect((await store.readStream(ds, 'whistle-a')).version).toBe(2);
  });

  it('serialises concurrent appends to one stream: exactly one of two racing writers wins', async () => {
    const results = await Promise.allSettled(
      [1, 2].map((i) => ds.transaction((em) => store.append(em, 'whistle-race', 0, [{ type: 'X', data: { i } }], meta))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(1);
  });

  it('writes companions (the outbox rows) in the append\'s own statement, on a new and an existing stream, and not on a conflict', async () => {
    await ds.query(`CREATE TABLE IF NOT EXISTS companion_rows (event_id uuid, position int, note text)`);
    const companions = (note: string) => (drafts: ReadonlyArray<{ eventId: string; streamPosition: number }>) => [
      (first: number) => ({
        sql: `INSERT INTO companion_rows (event_id, position, note) SELECT unnest($${first}::uuid[]), unnest($${first + 1}::int[]), $${first + 2}`,
        params: [drafts.map((d) => d.eventId), drafts.map((d) => d.streamPosition), note],
      }),
    ];
    const created = await ds.transaction((em) =>
      store.append(em, 'whistle-comp', 0, [{ type: 'A', data: {} }, { type: 'B', data: {} }], meta, undefined, companions('new')),
    );
    const more = await ds.transaction((em) => store.append(em, 'whistle-comp', 2, [{ type: 'C', data: {} }], meta, undefined, companions('existing')));
    const rows: Array<{ event_id: string; position: number; note: string }> = await ds.query(`SELECT * FROM companion_rows ORDER BY position`);
    expect(rows).toEqual([
      { event_id: created[0].eventId, position: 1, note: 'new' },
      { event_id: created[1].eventId, position: 2, note: 'new' },
      { event_id: more[0].eventId, position: 3, note: 'existing' },
    ]);
    // a stream that exists already: ConcurrencyError, and the transaction writes neither events nor companions
    await expect(ds.transaction((em) => store.append(em, 'whistle-comp', 0, [{ type: 'D', data: {} }], meta, undefined, companions('lost')))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect(await ds.query(`SELECT count(*)::int AS n FROM companion_rows WHERE note = 'lost'`)).toEqual([{ n: 0 }]);
    expect((await store.readStream(ds, 'whistle-comp')).version).toBe(3);
  });

  it('sends an append and its companions as one statement', async () => {
    const { qr, sent } = recordingRunner(ds);
    await qr.startTransaction();
    await store.append(qr.manager, 'whistle-one-trip', 0, [{ type: 'A', data: {} }], meta, undefined, () => [
      (first) => ({ sql: `INSERT INTO companion_rows (note) VALUES ($${first})`, params: ['one trip'] }),
    ]);
    await qr.commitTransaction();
    await qr.release();
    expect(sent.filter((q) => !/^(START TRANSACTION|COMMIT)/.test(q))).toHaveLength(1);
    expect(await ds.query(`SELECT count(*)::int AS n FROM companion_rows WHERE note = 'one trip'`)).toEqual([{ n: 1 }]);
  });

  it('with a gate, writes only the streams it returns — and their companions\' rows — in one statement, with no transaction', async () => {
    await ds.query(`CREATE TABLE IF NOT EXISTS gate_claims (name text PRIMARY KEY)`);
    await ds.query(`INSERT INTO gate_claims VALUES ('taken')`);
    const names = ['free-a', 'taken', 'free-b'];
    const { qr, sent } = recordingRunner(ds);
    const result = await store.appendNewStreams(
      qr.manager,
      names.map((n) => ({ streamId: `whistle-gate-${n}`, events: [{ type: 'G', data: { n } }], metadata: meta })),
      (drafts) => [
        (first) => ({
          sql: `INSERT INTO companion_rows (note) SELECT v.note FROM (VALUES ${drafts.map((_, i) => `($${first + 2 * i}::text, $${first + 2 * i + 1}::text)`).join(', ')}) AS v(note, stream_id)
                WHERE v.stream_id IN ${WRITTEN_STREAMS}`,
          params: drafts.flatMap((d) => [`gated ${d.streamId}`, d.streamId]),
        }),
      ],
      (first) => ({
        sql: `INSERT INTO gate_claims SELECT unnest($${first}::text[]) ON CONFLICT DO NOTHING RETURNING 'whistle-gate-' || name AS stream_id`,
        params: [names],
      }),
    );
    await qr.release();
    expect(sent).toHaveLength(1); // no BEGIN, no COMMIT: one statement, atomic on its own
    expect(result.map((events) => events.length)).toEqual([1, 0, 1]);
    expect((await store.readStream(ds, 'whistle-gate-taken')).version).toBe(0);
    expect((await store.readStream(ds, 'whistle-gate-free-b')).events.map((e) => e.data)).toEqual([{ n: 'free-b' }]);
    const notes: Array<{ note: string }> = await ds.query(`SELECT note FROM companion_rows WHERE note LIKE 'gated %' ORDER BY note`);
    expect(notes.map((r) => r.note)).toEqual(['gated whistle-gate-free-a', 'gated whistle-gate-free-b']);
  });

  it('runs independent writes as one statement (runTogether), or the only one alone', async () => {
    const ins = (note: string) => (first: number) => ({ sql: `INSERT INTO companion_rows (note) VALUES ($${first})`, params: [note] });
    const { qr, sent } = recordingRunner(ds);
    await runTogether(qr.manager, [ins('together 1'), undefined, ins('together 2'), ins('together 3')]);
    await runTogether(qr.manager, [undefined, ins('alone')]);
    await runTogether(qr.manager, []);
    await qr.release();
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^WITH c1 AS \(INSERT .*\$1\)\), c2 AS \(INSERT .*\$2\)\) INSERT .*\$3\)$/s);
    const rows: Array<{ note: string }> = await ds.query(`SELECT note FROM companion_rows WHERE note LIKE 'together%' OR note = 'alone' ORDER BY note`);
    expect(rows.map((r) => r.note)).toEqual(['alone', 'together 1', 'together 2', 'together 3']);
  });

  it('detects an edited event and names the first bad position', async () => {
    await ds.transaction((em) => store.append(em, 'whistle-t', 0, [1, 2, 3].map((n) => ({ type: 'N', data: { n } })), meta));
    await ds.query(`UPDATE events SET data = '{"n": 20}' WHERE stream_id = 'whistle-t' AND stream_position = 2`);
    expect(await store.verifyStream(ds, 'whistle-t')).toMatchObject({ valid: false, firstBadPosition: 2 });
  });

  it('detects a deleted event', async () => {
    await ds.transaction((em) => store.append(em, 'whistle-d', 0, [1, 2, 3].map((n) => ({ type: 'N', data: { n } })), meta));
    await ds.query(`DELETE FROM events WHERE stream_id = 'whistle-d' AND stream_position = 2`);
    expect(await store.verifyStream(ds, 'whistle-d')).toMatchObject({ valid: false, firstBadPosition: 2 });
  });

  it('detects the deletion of the last event against the stream head, and a head that was rolled back', async () => {
    await ds.transaction((em) => store.append(em, 'whistle-l', 0, [1, 2, 3].map((n) => ({ type: 'N', data: { n } })), meta));
    expect(await store.verifyStream(ds, 'whistle-l')).toEqual({ valid: true, length: 3 });
    await ds.query(`DELETE FROM events WHERE stream_id = 'whistle-l' AND stream_position = 3`);
    expect(await store.verifyStream(ds, 'whistle-l')).toMatchObject({ valid: false, length: 2, firstBadPosition: 3 });
    // the head made to agree in count but not in hash
    await ds.query(`UPDATE streams SET version = 2 WHERE stream_id = 'whistle-l'`);
    expect(await store.verifyStream(ds, 'whistle-l')).toMatchObject({ valid: false, length: 2, firstBadPosition: 2 });
  });

  it('upcasts old schema versions on read without touching what is stored', async () => {
    await ds.transaction((em) => store.append(em, 'whistle-u', 0, [{ type: 'Renamed', data: { x: 1 }, schemaVersion: 1 }], meta));
    const [e] = (await store.readStream(ds, 'whistle-u')).events;
    expect(e.data).toEqual({ x: 1, v2: true });
    expect(e.schemaVersion).toBe(2);
    expect(await store.verifyStream(ds, 'whistle-u')).toMatchObject({ valid: true });
  });
});

describe('auditStore: every stream of a store', () => {
  let ds: DataSource;
  const store = new EventStore();
  const database = serviceDatabase('store_audit', 'audited');
  beforeAll(() => void (ds = database()));

  it('verifies every stream up to its head, page by page, and lists the broken ones with their first bad position', async () => {
    // 250 streams of 1–4 events, in a few transactions
    await ds.transaction(async (em) => {
      for (let k = 0; k < 250; k++) await store.append(em, `s-${String(k).padStart(3, '0')}`, 0, Array.from({ length: 1 + (k % 4) }, (_, n) => ({ type: 'N', data: { k, n } })), meta);
    });
    const progress: number[] = [];
    const clean = await auditStore(ds, { pageSize: 40, onProgress: (p) => progress.push(p.streams) });
    expect(clean).toEqual({ streams: 250, events: 623, bad: [], badCount: 0, orphanEvents: 0 });
    expect(progress).toEqual([40, 80, 120, 160, 200, 240, 250]);

    await ds.query(`UPDATE events SET data = '{"k": 5, "n": 99}' WHERE stream_id = 's-005' AND stream_position = 2`); // an edit
    await ds.query(`DELETE FROM events WHERE stream_id = 's-103' AND stream_position = 4`); // the last event
    await ds.query(`DELETE FROM events WHERE stream_id = 's-242' AND stream_position = 1`); // the first of three
    const found = await auditStore(ds, { pageSize: 40, maxBad: 2 });
    expect(found.badCount).toBe(3);
    expect(found.events).toBe(621);
    expect(found.bad).toEqual([
      expect.objectContaining({ streamId: 's-005', valid: false, firstBadPosition: 2 }),
      expect.objectContaining({ streamId: 's-103', valid: false, firstBadPosition: 4 }),
    ]);
    expect((await auditStore(ds, { pageSize: 1000 })).bad.map((b) => [b.streamId, b.firstBadPosition])).toEqual([
      ['s-005', 2],
      ['s-103', 4],
      ['s-242', 1],
    ]);
  });
});

describe('GroupCommitter', () => {
  let ds: DataSource;
  const store = new EventStore();

  const database = serviceDatabase('group_commit', 'gc');
  beforeAll(() => void (ds = database()));

  it('commits many requests in few transactions, one statement each; a refused request rejects alone, a failing one is isolated', async () => {
    await store.append(ds, 'whistle-g77', 0, [{ type: 'Taken', data: {} }], meta); // g77 exists already: its batch fails
    const committer = new GroupCommitter<number, string>(
      ds,
      async (em, items) => {
        const ok = items.filter((i) => i % 10 !== 3);
        const stored = await store.appendNewStreams(em, ok.map((i) => ({ streamId: `whistle-g${i}`, events: [{ type: 'G', data: { i } }], metadata: meta })));
        const byItem = new Map(ok.map((i, k) => [i, stored[k][0].streamId]));
        return items.map((i) => (byItem.has(i) ? { ok: true as const, value: byItem.get(i)! } : { ok: false as const, error: new Error(`unit ${i} refused`) }));
      },
      { maxBatch: 16 },
    );
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => committer.run(i)));
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([3, 13, 23, 33, 43, 53, 63, 73, 77, 83, 93]);
    expect(String((results[77] as PromiseRejectedResult).reason)).toContain('whistle-g77');
    expect((results[5] as PromiseFulfilledResult<string>).value).toBe('whistle-g5');
    const [{ n }] = await ds.query(`SELECT count(*) AS n FROM events WHERE type = 'G'`);
    expect(Number(n)).toBe(89);
    const [{ s }] = await ds.query(`SELECT count(*) AS s FROM streams WHERE stream_id LIKE 'whistle-g%'`);
    expect(Number(s)).toBe(90); // 89 + the one that was there
    const [{ txs }] = await ds.query(`SELECT count(DISTINCT transaction_id::text) AS txs FROM events WHERE type = 'G'`);
    expect(Number(txs)).toBeLessThan(89);
    expect(await store.verifyStream(ds, 'whistle-g5')).toMatchObject({ valid: true });
  });

  it('with gather, requests handed in during one turn of the event loop go in one batch (without, the first goes alone)', async () => {
    const batches = (gather: boolean) => {
      const sizes: number[] = [];
      const committer = new GroupCommitter<number, number>(ds, async (_em, items) => (sizes.push(items.length), items.map((i) => ({ ok: true as const, value: i }))), { transaction: false, concurrency: 1, gather });
      return Promise.all([1, 2, 3].map((i) => committer.run(i))).then(() => sizes);
    };
    expect(await batches(true)).toEqual([3]);
    expect(await batches(false)).toEqual([1, 2]);
  });
});

describe('PreparingClient (the services\' pools)', () => {
  let ds: DataSource;

  const database = serviceDatabase('prepared', 'ps');
  beforeAll(() => void (ds = database()));

  it('prepares a parameterised statement once per connection and reuses it; plain statements stay unnamed', async () => {
    const runner = ds.createQueryRunner();
    try {
      const text = `SELECT $1::int + 1 AS n /* prepared-test */`;
      expect(await runner.query(text, [1])).toEqual([{ n: 2 }]);
      expect(await runner.query(text, [41])).toEqual([{ n: 42 }]);
      await runner.query(`SELECT 1 /* unprepared-test */`);
      const prepared: Array<{ name: string; statement: string; generic_plans: string; custom_plans: string }> = await runner.query(
        `SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%-test */'`,
        [],
      );
      expect(prepared).toHaveLength(1);
      expect(prepared[0].name).toBe(statementName(text));
      expect(prepared[0].statement).toBe(text);
      expect(Number(prepared[0].generic_plans) + Number(prepared[0].custom_plans)).toBe(2); // parsed once, executed twice
    } finally {
      await runner.release();
    }
  });
});

import type { DataSource } from 'typeorm';
import { freshDatabase } from '@chuishao/testing';
import { openServiceDatabase } from '@chuishao/postgres';
import { appendAtHead, CommandHandler, ConcurrencyError, EventStore, EventStoreMigration1732500000000 } from '../src';

const meta = { correlationId: 'c1', causationId: null, actor: { role: 'street', org: 'street-1', sub: 'alice' } };
type Counted = { type: 'Counted'; data: { by: number } };
/** A counter: its state is the sum of what was counted; it refuses to go over 10. */
const counter = CommandHandler<number, Counted>({ initialState: () => 0, evolve: (n, e) => n + e.data.by });
const count = (by: number) => (n: number): Counted[] => {
  if (n + by > 10) throw new RangeError('over 10');
  return by === 0 ? [] : [{ type: 'Counted', data: { by } }];
};

describe('CommandHandler: read → decide → append', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  const store = new EventStore();
  beforeAll(async () => {
    db = await freshDatabase('command_handler');
    ds = await openServiceDatabase({ url: db.url, schema: 'ch', migrations: [EventStoreMigration1732500000000] });
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('decides on the fold of the stream and appends with the version it read', async () => {
    const first = await ds.transaction((em) => counter(store, em, 'counter-a', count(4), { metadata: meta }));
    expect(first).toMatchObject({ newState: 4, nextExpectedVersion: 1, read: [] });
    const second = await ds.transaction((em) => counter(store, em, 'counter-a', count(5), { metadata: (read) => ({ ...meta, causationId: read[0].eventId }) }));
    expect(second.newState).toBe(9);
    expect(second.nextExpectedVersion).toBe(2);
    expect(second.newEvents[0]).toMatchObject({ type: 'Counted', streamPosition: 2, metadata: { causationId: first.newEvents[0].eventId } });
    expect((await store.readStream(ds, 'counter-a')).events.map((e) => e.data)).toEqual([{ by: 4 }, { by: 5 }]);
  });

  it('a refusal appends nothing; deciding nothing appends nothing', async () => {
    await expect(ds.transaction((em) => counter(store, em, 'counter-a', count(2), { metadata: meta }))).rejects.toThrow('over 10');
    const nothing = await ds.transaction((em) => counter(store, em, 'counter-a', count(0), { metadata: meta }));
    expect(nothing).toMatchObject({ newEvents: [], newState: 9, nextExpectedVersion: 2 });
    expect(await store.readHead(ds, 'counter-a')).toBe(2);
  });

  it('two handlers deciding on the same version: the second gets ConcurrencyError, not an overwrite', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = ds.transaction((em) => counter(store, em, 'counter-b', async (n) => (await gate, count(1)(n)), { metadata: meta }));
    await new Promise((r) => setTimeout(r, 50)); // the slow one has read version 0
    await ds.transaction((em) => counter(store, em, 'counter-b', count(2), { metadata: meta }));
    release();
    await expect(slow).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream(ds, 'counter-b')).events.map((e) => e.data)).toEqual([{ by: 2 }]);
  });

  it('with lock, a second handler waits for the first and decides on its events', async () => {
    await ds.transaction((em) => counter(store, em, 'counter-c', count(1), { metadata: meta }));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = ds.transaction((em) => counter(store, em, 'counter-c', async (n) => (await gate, count(1)(n)), { metadata: meta, lock: true }));
    await new Promise((r) => setTimeout(r, 50));
    const second = ds.transaction((em) => counter(store, em, 'counter-c', count(1), { metadata: meta, lock: true }));
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await first).newState).toBe(2);
    expect((await second).newState).toBe(3);
  });

  it('appendAtHead appends at the version the stream has', async () => {
    await ds.transaction((em) => appendAtHead(store, em, 'view-x', [{ type: 'Seen', data: {} }], { metadata: meta }));
    const [e] = await ds.transaction((em) => appendAtHead(store, em, 'view-x', [{ type: 'Seen', data: {} }], { metadata: meta }));
    expect(e.streamPosition).toBe(2);
  });
});

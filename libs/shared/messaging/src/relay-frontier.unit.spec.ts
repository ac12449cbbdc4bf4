import type { CommittedOutboxRow } from './outbox-commits';
import { publishable } from './relay-frontier';

const row = (id: number): CommittedOutboxRow => ({ id: String(id), topic: 't', key: 'k', value: `v${id}`, headers: {} });
const ids = (rows: CommittedOutboxRow[]) => rows.map((r) => Number(r.id));

describe('the relay frontier (ADR 0019): which handed-over rows may be published without reading the outbox', () => {
  it('publishes rows that follow on from the frontier, in id order, whatever order they were handed over in', () => {
    const p = publishable([row(12), row(11), row(13)], 10, new Set(), 500);
    expect(ids(p.batch)).toEqual([11, 12, 13]);
    expect(p.waiting).toEqual([]);
    expect(p.frontier).toBe(13);
  });

  it('stops at a gap: a row before them was not handed over (another writer, a rollback), so the outbox must be read', () => {
    const p = publishable([row(11), row(13), row(14)], 10, new Set(), 500);
    expect(ids(p.batch)).toEqual([11]);
    expect(ids(p.waiting)).toEqual([13, 14]);
    expect(p.frontier).toBe(11);
  });

  it('publishes a row at or below the frontier (its transaction committed after a later row was published), as a read would', () => {
    const p = publishable([row(8), row(11)], 10, new Set(), 500);
    expect(ids(p.batch)).toEqual([8, 11]);
    expect(p.frontier).toBe(11);
  });

  it('skips rows a read published already', () => {
    const p = publishable([row(12), row(13)], 12, new Set(['12']), 500);
    expect(ids(p.batch)).toEqual([13]);
    expect(p.frontier).toBe(13);
  });

  it('takes at most max rows; the rest wait for the next turn', () => {
    const p = publishable([row(11), row(12), row(13), row(14)], 10, new Set(), 2);
    expect(ids(p.batch)).toEqual([11, 12]);
    expect(ids(p.waiting)).toEqual([13, 14]);
    expect(p.frontier).toBe(12);
  });

  it('does not change what it was given', () => {
    const given = [row(12), row(11)];
    publishable(given, 10, new Set(), 500);
    expect(ids(given)).toEqual([12, 11]);
  });
});

import type { CommittedOutboxRow } from './outbox-commits';

/** What the relay may publish now of the rows its process handed over (ADR 0019). */
export interface Publishable {
  /** To publish now, in this order. */
  batch: CommittedOutboxRow[];
  /** Handed over and not publishable yet (a row before them was not handed over). */
  waiting: CommittedOutboxRow[];
  /** Every id up to this one is published (or was read) once `batch` is. */
  frontier: number;
}

/**
 * The relay's frontier rule, pure: sorted by id, a handed-over row is publishable when its id is the
 * frontier + 1 (no other writer's row can be waiting before it) or at or below the frontier (its
 * transaction committed after a later row was published, as a read would publish it); rows already
 * published (`published`) are skipped; at the first gap it stops. At most `max` rows.
 */
export function publishable(handedOver: readonly CommittedOutboxRow[], frontier: number, published: ReadonlySet<string>, max: number): Publishable {
  const rows = [...handedOver].sort((a, b) => Number(a.id) - Number(b.id));
  const batch: CommittedOutboxRow[] = [];
  let i = 0;
  for (; i < rows.length && batch.length < max; i++) {
    const r = rows[i];
    const id = Number(r.id);
    if (published.has(r.id)) continue; // a read published it already
    if (id <= frontier) batch.push(r);
    else if (id === frontier + 1) {
      batch.push(r);
      frontier = id;
    } else break; // a row before it was not handed over: read the outbox
  }
  return { batch, waiting: rows.slice(i), frontier };
}

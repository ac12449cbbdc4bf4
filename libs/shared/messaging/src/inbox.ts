import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A consumer batch's transaction (see KafkaEventServer): while a handler runs inside it,
 * {@link processOnce} on the same DataSource writes into that transaction under a SAVEPOINT of its
 * own instead of opening and committing one per message — one commit for many messages.
 */
export interface BatchScope {
  readonly dataSource: DataSource;
  readonly em: EntityManager;
  savepoints: number;
  /**
   * The transaction's pg client: a message's savepoint and inbox row go in one round trip on it (a
   * multi-statement simple query with escaped literals).
   */
  readonly client: RawClient;
  /** Work that {@link deferToBatchEnd} set aside, by key, in the order it came. */
  readonly deferred: Map<string, { flush: (em: EntityManager, items: unknown[]) => Promise<void>; items: unknown[] }>;
}

/** The part of node-postgres' client a batch scope uses. */
export interface RawClient {
  query(text: string): Promise<unknown>;
  escapeLiteral(value: string): string;
}

/** A new, empty batch scope on `em` (a transaction of `dataSource` on `client`). */
export function openBatchScope(dataSource: DataSource, em: EntityManager, client: RawClient): BatchScope {
  return { dataSource, em, client, savepoints: 0, deferred: new Map() };
}

/**
 * Inside a consumer batch on `em`: sets `item` aside and lets `flush` write all the items of
 * `key` at once just before the batch commits (a projection that writes in bulk: one statement
 * per table for the batch instead of per message). Outside one: flushes `[item]` at once.
 * Either way the write is in the same transaction as the message's inbox row.
 */
export async function deferToBatchEnd<T>(em: EntityManager, key: string, item: T, flush: (em: EntityManager, items: T[]) => Promise<void>): Promise<void> {
  const scope = batchScope.getStore();
  if (scope && scope.em === em) {
    let entry = scope.deferred.get(key);
    if (!entry) scope.deferred.set(key, (entry = { flush: flush as (em: EntityManager, items: unknown[]) => Promise<void>, items: [] }));
    entry.items.push(item);
    return;
  }
  await flush(em, [item]);
}

/** Writes what the batch set aside (see {@link deferToBatchEnd}); called by the server before it commits. */
export async function flushDeferred(scope: BatchScope): Promise<void> {
  for (const { flush, items } of scope.deferred.values()) {
    if (items.length) await flush(scope.em, items);
  }
  scope.deferred.clear();
}

export const batchScope = new AsyncLocalStorage<BatchScope>();

/**
 * Where a handler reads what earlier messages of its batch wrote: the batch's transaction when one
 * is open for this DataSource, else the DataSource itself.
 */
export function currentManager(dataSource: DataSource): DataSource | EntityManager {
  const scope = batchScope.getStore();
  return scope && scope.dataSource === dataSource ? scope.em : dataSource;
}

/**
 * Runs `project` at most once per (consumer, messageId): the inbox row and the projection's writes
 * commit in one transaction, so a redelivered message finds its row and changes nothing. Inside a
 * consumer batch, that transaction is the batch's; a failing `project` rolls back to its savepoint,
 * so it leaves nothing behind either way.
 */
export async function processOnce(
  dataSource: DataSource,
  consumer: string,
  messageId: string,
  project: (em: EntityManager) => Promise<void>,
): Promise<'processed' | 'duplicate'> {
  const scope = batchScope.getStore();
  if (scope && scope.dataSource === dataSource) {
    const savepoint = `m${++scope.savepoints}`;
    const setAside = new Map([...scope.deferred].map(([key, d]) => [key, d.items.length]));
    try {
      const c = scope.client;
      const results = (await c.query(
        `SAVEPOINT ${savepoint}; INSERT INTO inbox (consumer, message_id) VALUES (${c.escapeLiteral(consumer)}, ${c.escapeLiteral(messageId)}) ON CONFLICT DO NOTHING RETURNING message_id`,
      )) as Array<{ rows: unknown[] }>;
      if (results[1].rows.length === 0) return 'duplicate';
      await project(scope.em);
      return 'processed';
    } catch (err) {
      // (if even this fails, the transaction is lost: the batch is then handled again message by message)
      await scope.em.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      // what this message set aside goes too
      for (const [key, d] of scope.deferred) {
        const before = setAside.get(key);
        if (before === undefined) scope.deferred.delete(key);
        else d.items.length = before;
      }
      throw err;
    }
  }
  return dataSource.transaction(async (em) => {
    const inserted: unknown[] = await em.query(
      `INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
      [consumer, messageId],
    );
    if (inserted.length === 0) return 'duplicate' as const;
    await project(em);
    return 'processed' as const;
  });
}

import type { DataSource, EntityManager } from 'typeorm';
import type { Companion, Queryable } from '@chuishao/postgres';

/**
 * A consumer batch's transaction (see KafkaEventServer): a handler given it (through its
 * KafkaEventContext) has {@link processOnce} on the same DataSource write into that transaction
 * under a SAVEPOINT of its own instead of opening and committing one per message — one commit for
 * many messages. It is passed explicitly, not through AsyncLocalStorage, whose promise hooks cost
 * every await of the process (ADR 0007).
 */
export interface BatchScope {
  readonly dataSource: DataSource;
  readonly em: EntityManager;
  savepoints: number;
  /** Messages of the batch that did work (processOnce or processOnceAtBatchEnd), for the batch-time histogram. */
  working: number;
  /**
   * Whether the transaction has begun: it begins lazily, in the same round trip as the first
   * message's savepoint and inbox row, so a batch whose messages all are skipped costs nothing.
   */
  begun: boolean;
  /**
   * The transaction's pg client: a message's savepoint and inbox row go in one round trip on it (a
   * multi-statement simple query with escaped literals).
   */
  readonly client: RawClient;
  /**
   * Messages that {@link processOnceAtBatchEnd} and {@link processOnceInOneStatement} set aside, by
   * key, in the order they came; each entry writes their inbox rows (and may open the transaction).
   */
  readonly deferred: Map<string, { flush: (em: EntityManager, items: unknown[]) => Promise<void>; items: unknown[] }>;
}

/** The part of node-postgres' client a batch scope uses. */
export interface RawClient {
  query(text: string): Promise<unknown>;
  escapeLiteral(value: string): string;
}

/** What a handler holds that may carry its batch: the KafkaEventContext it was given. */
export interface InBatch {
  readonly batch?: BatchScope;
}

/** A new, empty batch scope on `em` (a transaction of `dataSource` on `client`). */
export function openBatchScope(dataSource: DataSource, em: EntityManager, client: RawClient): BatchScope {
  return { dataSource, em, client, savepoints: 0, working: 0, begun: false, deferred: new Map() };
}

function scopeFor(dataSource: DataSource, ctx: InBatch | undefined): BatchScope | undefined {
  const scope = ctx?.batch;
  return scope && scope.dataSource === dataSource ? scope : undefined;
}

/**
 * Like {@link processOnce}, for a projection whose messages are only
 * written at the batch end: the message's inbox row is set aside too, and at the batch end the
 * rows of all its messages are inserted in one statement (opening the transaction if no message
 * did) and `flush` gets the items whose row was new — one statement for the inbox rows of a batch
 * instead of one per message. A duplicate (redelivered, or twice in the batch) is dropped there.
 * Outside a batch: one transaction with the inbox row and `flush([item])`.
 */
export async function processOnceAtBatchEnd<T>(
  dataSource: DataSource,
  consumer: string,
  messageId: string,
  item: T,
  flush: (em: EntityManager, items: T[]) => Promise<void>,
  ctx?: InBatch,
): Promise<void> {
  const scope = scopeFor(dataSource, ctx);
  if (!scope) {
    await processOnce(dataSource, consumer, messageId, (em) => flush(em, [item]));
    return;
  }
  setAside<T>(scope, `inbox:${consumer}`, messageId, item, async (all) => {
    const c = scope.client;
    const begin = scope.begun ? '' : 'BEGIN; ';
    scope.begun = true;
    const ids = [...new Set(all.map((p) => p.messageId))];
    const results = (await c.query(
      `${begin}INSERT INTO inbox (consumer, message_id) VALUES ${ids.map((id) => `(${c.escapeLiteral(consumer)}, ${c.escapeLiteral(id)})`).join(', ')} ON CONFLICT DO NOTHING RETURNING message_id`,
    )) as { rows: Array<{ message_id: string }> } | Array<{ rows: Array<{ message_id: string }> }>;
    const rows = Array.isArray(results) ? results[results.length - 1].rows : results.rows;
    const fresh = new Set(rows.map((r) => r.message_id));
    const items = all.filter((p) => fresh.delete(p.messageId)).map((p) => p.item);
    if (items.length) await flush(scope.em, items);
  });
}

/**
 * Sets a whole message aside in its batch under `key` (counted as work); at the batch end — or
 * before a later message's processOnce — `write` gets all of the key's messages, in order.
 */
function setAside<T>(scope: BatchScope, key: string, messageId: string, item: T, write: (all: Array<{ messageId: string; item: T }>) => Promise<void>): void {
  scope.working++;
  let entry = scope.deferred.get(key);
  if (!entry) {
    const flush = (_em: EntityManager, pending: unknown[]) => write(pending as Array<{ messageId: string; item: T }>);
    scope.deferred.set(key, (entry = { flush, items: [] }));
  }
  entry.items.push({ messageId, item });
}

/**
 * The inbox rows of messages as the gate of one statement (see `EventStore.appendNewStreams`): the
 * rows are inserted `ON CONFLICT DO NOTHING` and each NEW one answers its message's key (`keyOf`)
 * as `stream_id` — the statement writes only what belongs to messages not seen before. With
 * `onlyIf` (a boolean SQL expression, its parameters numbered from the `first` it is given): when it
 * is false in the statement's snapshot, no inbox row is written, and so nothing that the gate gates —
 * the statement checks what its writes were decided on (ADR 0017).
 */
export type InboxGate = (keyOf: (messageId: string) => string, onlyIf?: Companion) => Companion;

function inboxGate(consumer: string, messageIds: readonly string[]): InboxGate {
  const ids = [...new Set(messageIds)];
  return (keyOf, onlyIf) => (first) => {
    const condition = onlyIf?.(first + 3);
    return {
      sql: `INSERT INTO inbox (consumer, message_id) SELECT $${first + 2}, m FROM unnest($${first}::text[]) AS m ${condition ? `WHERE ${condition.sql}` : ''} ON CONFLICT DO NOTHING
          RETURNING (SELECT x.k FROM unnest($${first}::text[], $${first + 1}::text[]) AS x(m, k) WHERE x.m = inbox.message_id) AS stream_id`,
      params: [ids, ids.map(keyOf), consumer, ...(condition?.params ?? [])],
    };
  };
}

/**
 * Like {@link processOnceAtBatchEnd}, for a consumer whose batch-end write is ONE statement that
 * carries the batch's inbox rows itself, as its gate ({@link InboxGate}): no transaction is opened
 * for it (no BEGIN, no COMMIT; ADR 0010). `write` may read, and write what is idempotent, before
 * that statement; what it must write at most once goes in the gated statement. Inside a batch
 * whose transaction another message opened, it runs in that transaction. Outside a batch: at once,
 * for this message alone, in a transaction. `inTransaction` tells `write` which: a path that needs
 * a transaction (a lock held across statements) can throw without one, and the server then
 * handles the batch's messages one by one.
 */
export async function processOnceInOneStatement<T>(
  dataSource: DataSource,
  consumer: string,
  messageId: string,
  item: T,
  write: (db: EntityManager, items: ReadonlyArray<{ messageId: string; item: T }>, gate: InboxGate, inTransaction: boolean) => Promise<void>,
  ctx?: InBatch,
): Promise<void> {
  const scope = scopeFor(dataSource, ctx);
  if (!scope) {
    // alone (the server's retry of one message): in a transaction, for a write whose rare paths need one
    await dataSource.transaction((em) => write(em, [{ messageId, item }], inboxGate(consumer, [messageId]), true));
    return;
  }
  setAside<T>(scope, `gated:${consumer}`, messageId, item, (all) => write(scope.em, all, inboxGate(consumer, all.map((p) => p.messageId)), scope.begun));
}

/** Writes what the batch set aside (see {@link processOnceAtBatchEnd}); called before the batch commits. */
export async function flushDeferred(scope: BatchScope): Promise<void> {
  for (const [key, { flush, items }] of [...scope.deferred]) {
    scope.deferred.delete(key);
    if (items.length) await flush(scope.em, items);
  }
}

/**
 * Where a handler reads what earlier messages of its batch wrote: the batch's transaction when its
 * context carries one for this DataSource, else the DataSource itself.
 */
export function currentManager(dataSource: DataSource, ctx?: InBatch): DataSource | EntityManager {
  return scopeFor(dataSource, ctx)?.em ?? dataSource;
}

/** Whether `consumer` has processed `messageId` already (its inbox row is there). */
export async function inboxHas(db: Queryable, consumer: string, messageId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND message_id = $2`, [consumer, messageId]);
  return rows.length > 0;
}

/**
 * Runs `project` at most once per (consumer, messageId): the inbox row and the projection's writes
 * commit in one transaction, so a redelivered message finds its row and changes nothing. Given the
 * handler's context (`ctx`) inside a consumer batch, that transaction is the batch's; a failing
 * `project` rolls back to its savepoint, so it leaves nothing behind either way. Inside a batch,
 * the earlier messages set aside by {@link processOnceAtBatchEnd} are written before `project`
 * runs, so a consumer that mixes both applies its messages in order.
 */
export async function processOnce(
  dataSource: DataSource,
  consumer: string,
  messageId: string,
  project: (em: EntityManager) => Promise<void>,
  ctx?: InBatch,
): Promise<'processed' | 'duplicate'> {
  const scope = scopeFor(dataSource, ctx);
  if (scope) {
    // the earlier messages of the batch set aside are written first: effects keep the messages' order
    await flushDeferred(scope);
    const savepoint = `m${++scope.savepoints}`;
    scope.working++;
    try {
      const c = scope.client;
      const begin = scope.begun ? '' : 'BEGIN; ';
      scope.begun = true;
      const results = (await c.query(
        `${begin}SAVEPOINT ${savepoint}; INSERT INTO inbox (consumer, message_id) VALUES (${c.escapeLiteral(consumer)}, ${c.escapeLiteral(messageId)}) ON CONFLICT DO NOTHING RETURNING message_id`,
      )) as Array<{ rows: unknown[] }>;
      if (results[results.length - 1].rows.length === 0) return 'duplicate';
      await project(scope.em);
      return 'processed';
    } catch (err) {
      // (if even this fails, the transaction is lost: the batch is then handled again message by message)
      await scope.em.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      scope.working--;
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

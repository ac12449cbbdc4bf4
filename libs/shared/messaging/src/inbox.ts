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
    await scope.em.query(`SAVEPOINT ${savepoint}`);
    try {
      return await claimAndProject(scope.em, consumer, messageId, project);
    } catch (err) {
      await scope.em.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw err;
    }
  }
  return dataSource.transaction((em) => claimAndProject(em, consumer, messageId, project));
}

async function claimAndProject(
  em: EntityManager,
  consumer: string,
  messageId: string,
  project: (em: EntityManager) => Promise<void>,
): Promise<'processed' | 'duplicate'> {
  const inserted: unknown[] = await em.query(
    `INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
    [consumer, messageId],
  );
  if (inserted.length === 0) return 'duplicate';
  await project(em);
  return 'processed';
}

import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `project` at most once per (consumer, messageId): the inbox row and the projection's writes
 * commit in one transaction, so a redelivered message finds its row and changes nothing.
 */
export async function processOnce(
  dataSource: DataSource,
  consumer: string,
  messageId: string,
  project: (em: EntityManager) => Promise<void>,
): Promise<'processed' | 'duplicate'> {
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

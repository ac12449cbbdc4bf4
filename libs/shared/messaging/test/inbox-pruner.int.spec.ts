import type { DataSource } from 'typeorm';
import { EventStoreMigration1732500000000 } from '@chuishao/event-store';
import { openServiceDatabase } from '@chuishao/postgres';
import { freshDatabase } from '@chuishao/testing';
import { OUTBOX_WAKE_OPTION, ParkedMigration1732500000002 } from '../src';
import { InboxPruner } from '../src/inbox-pruner';

/** Inbox rows older than the retention go, in slices; younger ones (the dedupe window) stay. */
describe('InboxPruner on real PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await freshDatabase('inbox_pruner');
    ds = await openServiceDatabase({ url: db.url, schema: 'inbox_pruner', migrations: [EventStoreMigration1732500000000, ParkedMigration1732500000002], sessionOptions: OUTBOX_WAKE_OPTION });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('deletes every row older than the retention, 5,000 at a time, and keeps the others', async () => {
    await ds.query(`INSERT INTO inbox (consumer, message_id, processed_at) SELECT 'c', 'old-' || i, now() - interval '31 days' FROM generate_series(1, 12000) i`);
    await ds.query(`INSERT INTO inbox (consumer, message_id, processed_at) SELECT 'c', 'young-' || i, now() - interval '29 days' FROM generate_series(1, 10) i`);
    const pruner = new InboxPruner(ds, { retentionDays: 30, error: () => undefined });
    expect(await pruner.pruneOnce()).toBe(12000);
    const rows: Array<{ message_id: string }> = await ds.query(`SELECT message_id FROM inbox ORDER BY message_id`);
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.message_id.startsWith('young-'))).toBe(true);
  });
});

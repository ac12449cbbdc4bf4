import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assignment lifecycle beside the event store: what GET /api/v1/assignments lists (times,
 * deadlines, overdue), the whistle's phase as dispatch knows it (OPEN, REOPENED, RESOLVED,
 * WITHDRAWN), and deadlines that can be renewed: a reopen adds a new PENDING COMPLETE deadline
 * after the first one was judged, so a deadline row gets its own id and at most one row per
 * assignment and kind is PENDING at a time.
 */
export class DispatchLifecycle1732500000301 implements MigrationInterface {
  name = 'DispatchLifecycle1732500000301';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE whistle_briefs
        ADD COLUMN phase text NOT NULL DEFAULT 'OPEN',
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      ALTER TABLE assignments
        ADD COLUMN summoned_at timestamptz,
        ADD COLUMN report_by timestamptz,
        ADD COLUMN arrive_by timestamptz,
        ADD COLUMN complete_by timestamptz,
        ADD COLUMN reported_at timestamptz,
        ADD COLUMN arrived_at timestamptz,
        ADD COLUMN completed_at timestamptz,
        ADD COLUMN result text,
        ADD COLUMN dispute_note text,
        ADD COLUMN overdue jsonb NOT NULL DEFAULT '[]';
      ALTER TABLE deadlines DROP CONSTRAINT deadlines_pkey;
      ALTER TABLE deadlines
        ADD COLUMN id bigserial PRIMARY KEY,
        ADD COLUMN decided_at timestamptz;
      CREATE UNIQUE INDEX deadlines_one_pending_idx ON deadlines (assignment_id, kind) WHERE state = 'PENDING';
      CREATE INDEX deadlines_assignment_idx ON deadlines (assignment_id);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deadlines_assignment_idx;
      DROP INDEX deadlines_one_pending_idx;
      ALTER TABLE deadlines DROP COLUMN decided_at, DROP COLUMN id;
      ALTER TABLE deadlines ADD PRIMARY KEY (assignment_id, kind);
      ALTER TABLE assignments DROP COLUMN summoned_at, DROP COLUMN report_by, DROP COLUMN arrive_by, DROP COLUMN complete_by,
        DROP COLUMN reported_at, DROP COLUMN arrived_at, DROP COLUMN completed_at, DROP COLUMN result, DROP COLUMN dispute_note, DROP COLUMN overdue;
      ALTER TABLE whistle_briefs DROP COLUMN phase, DROP COLUMN updated_at;
    `);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The board's two deadline queries (overdue count, nearest deadlines) both ask for open whistles,
 * which whistle_view_open_deadline_idx (next_deadline, id) serves; the index on every non-null
 * next_deadline was written on each view update and read by nothing.
 */
export class BoardIndexes1732500000201 implements MigrationInterface {
  name = 'BoardIndexes1732500000201';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX whistle_view_deadline_idx`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX whistle_view_deadline_idx ON whistle_view (next_deadline) WHERE next_deadline IS NOT NULL`);
  }
}

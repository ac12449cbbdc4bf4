import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The clock stops while an assignment is DISPUTED (contract §4): its deadlines not yet due wait in
 * state PAUSED (the scheduler reads PENDING only) until the command center decides — REJECT puts
 * them back to PENDING moved by the time the dispute waited, UPHOLD or the whistle's closing skips
 * them. They are found by assignment. Assignments once CANCELLED (withdrawn while open) are CLOSED
 * now, the status every service shows for an assignment closed with its whistle.
 */
export class PausedDeadlines1732500000304 implements MigrationInterface {
  name = 'PausedDeadlines1732500000304';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deadlines_paused_idx ON deadlines (assignment_id) WHERE state = 'PAUSED';
      UPDATE assignments SET status = 'CLOSED' WHERE status = 'CANCELLED';
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE deadlines SET state = 'PENDING' WHERE state = 'PAUSED';
      DROP INDEX deadlines_paused_idx;
    `);
  }
}

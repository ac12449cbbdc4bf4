import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pending deadlines of a whistle are found by whistle (a withdrawal or a confirmation skips
 * them all): that needed a scan of every deadline ever written. Lookups by assignment all ask for
 * PENDING ones, which deadlines_one_pending_idx (assignment_id, kind) already serves, so the plain
 * assignment index goes: as many index writes per deadline as before.
 */
export class DeadlineIndexes1732500000303 implements MigrationInterface {
  name = 'DeadlineIndexes1732500000303';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deadlines_whistle_pending_idx ON deadlines (whistle_id) WHERE state = 'PENDING';
      DROP INDEX deadlines_assignment_idx;
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deadlines_assignment_idx ON deadlines (assignment_id);
      DROP INDEX deadlines_whistle_pending_idx;
    `);
  }
}

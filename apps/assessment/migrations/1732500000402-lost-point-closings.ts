import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the closing (−1) mark of a lost-point item fast: the explanations query anti-joins on it. */
export class LostPointClosings1732500000402 implements MigrationInterface {
  name = 'LostPointClosings1732500000402';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX lost_point_marks_closing_idx ON lost_point_marks (item_key) WHERE sign = -1`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX lost_point_marks_closing_idx`);
  }
}

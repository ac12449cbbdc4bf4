import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The assessment's projection: one row per assignment with the facts the 50/20/30 formula needs. */
export class AssessmentFacts1732500000400 implements MigrationInterface {
  name = 'AssessmentFacts1732500000400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assignment_facts (
        assignment_id uuid PRIMARY KEY,
        whistle_id uuid NOT NULL,
        department_id uuid NOT NULL,
        role text NOT NULL,
        summoned_at timestamptz NOT NULL,
        complete_by timestamptz NOT NULL
      );
      CREATE INDEX assignment_facts_summoned_idx ON assignment_facts (summoned_at);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE assignment_facts`);
  }
}

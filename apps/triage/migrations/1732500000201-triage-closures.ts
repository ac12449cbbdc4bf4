import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whistles intake has closed for good (confirmed by the street → RESOLVED, or WITHDRAWN): the
 * command center can no longer override their triage. Fed by WhistleConfirmed / WhistleWithdrawn.
 */
export class TriageClosures1732500000201 implements MigrationInterface {
  name = 'TriageClosures1732500000201';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE whistle_closures (
        whistle_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('RESOLVED', 'WITHDRAWN')),
        closed_at timestamptz NOT NULL,
        event_id uuid NOT NULL
      );
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE whistle_closures`);
  }
}

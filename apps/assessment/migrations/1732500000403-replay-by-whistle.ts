import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Faster rebuilds: the log can be replayed whistle by whistle (each whistle's events contiguous,
 * so its state is built once), and the state and envelopes are kept as `json` (stored as written:
 * no binary conversion on the way in or out).
 */
export class ReplayByWhistle1732500000403 implements MigrationInterface {
  name = 'ReplayByWhistle1732500000403';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX assessment_inbox_log_whistle_idx ON assessment_inbox_log (whistle_id, seq);
      ALTER TABLE assessment_inbox_log ALTER COLUMN envelope TYPE json USING envelope::json;
      ALTER TABLE whistle_scoring_state ALTER COLUMN state TYPE json USING state::json;
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE whistle_scoring_state ALTER COLUMN state TYPE jsonb USING state::jsonb;
      ALTER TABLE assessment_inbox_log ALTER COLUMN envelope TYPE jsonb USING envelope::jsonb;
      DROP INDEX assessment_inbox_log_whistle_idx;
    `);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake's second step: one-time feedback tokens (only their SHA-256 is stored, never the token)
 * and the triage policies intake has seen published (for the SLA shown by GET /api/v1/catalog).
 */
export class IntakeFeedbackAndPolicy1732500000200 implements MigrationInterface {
  name = 'IntakeFeedbackAndPolicy1732500000200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feedback_tokens (
        token_hash  char(64) PRIMARY KEY,
        whistle_id  uuid NOT NULL,
        event_id    uuid NOT NULL UNIQUE,
        expires_at  timestamptz NOT NULL,
        -- when the street confirmed the result (the WhistleConfirmed event's time)
        resolved_at timestamptz NOT NULL,
        used_at     timestamptz
      );
      CREATE INDEX feedback_tokens_whistle_idx ON feedback_tokens (whistle_id);
      CREATE TABLE triage_policies (
        version      int PRIMARY KEY,
        sla          jsonb NOT NULL,
        event_id     uuid NOT NULL,
        published_at timestamptz NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX whistle_view_open_deadline_idx ON whistle_view (next_deadline, id)
        WHERE status NOT IN ('RESOLVED', 'WITHDRAWN');
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX whistle_view_open_deadline_idx; DROP TABLE triage_policies; DROP TABLE feedback_tokens;`);
  }
}

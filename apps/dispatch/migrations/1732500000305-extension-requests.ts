import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Extension requests (延期申请, contract §11) beside the event store: one row per request, written
 * in the transaction of its ExtensionRequested / ExtensionDecided, for the command center's queue
 * (`GET /api/v1/assignments/extensions?status=PENDING`, oldest first) and an assignment's
 * `extensions` list. The events stay the truth; the row is what they say.
 */
export class ExtensionRequests1732500000305 implements MigrationInterface {
  name = 'ExtensionRequests1732500000305';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE extension_requests (
        request_id uuid PRIMARY KEY,
        whistle_id uuid NOT NULL,
        assignment_id uuid NOT NULL,
        department_id uuid NOT NULL,
        reply_id text NOT NULL,
        kind text NOT NULL,
        until timestamptz NOT NULL,
        reason text NOT NULL,
        due_at timestamptz NOT NULL,
        requested_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        decided_at timestamptz,
        decision_reason text,
        standing boolean NOT NULL DEFAULT false
      );
      CREATE INDEX extension_requests_assignment_idx ON extension_requests (assignment_id);
      CREATE INDEX extension_requests_status_idx ON extension_requests (status, requested_at);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE extension_requests`);
  }
}

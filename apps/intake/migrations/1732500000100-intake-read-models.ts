import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Intake's read side: idempotency keys, the whistle read model and the merged, hash-chained audit ledger. */
export class IntakeReadModels1732500000100 implements MigrationInterface {
  name = 'IntakeReadModels1732500000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        street_id    uuid NOT NULL,
        key          text NOT NULL,
        request_hash char(64) NOT NULL,
        whistle_id   uuid,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (street_id, key)
      );
      CREATE TABLE whistle_view (
        id             uuid PRIMARY KEY,
        street_id      uuid NOT NULL,
        situation_code text NOT NULL,
        area           text NOT NULL,
        status         text NOT NULL,
        level          text,
        department_ids uuid[] NOT NULL DEFAULT '{}',
        created_at     timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        next_deadline  timestamptz,
        doc            jsonb NOT NULL
      );
      CREATE INDEX whistle_view_street_idx ON whistle_view (street_id, created_at DESC, id DESC);
      CREATE INDEX whistle_view_created_idx ON whistle_view (created_at DESC, id DESC);
      CREATE INDEX whistle_view_status_idx ON whistle_view (status, level);
      CREATE INDEX whistle_view_departments_idx ON whistle_view USING gin (department_ids);
      CREATE INDEX whistle_view_deadline_idx ON whistle_view (next_deadline) WHERE next_deadline IS NOT NULL;
      CREATE TABLE whistle_ledger (
        whistle_id  uuid NOT NULL,
        position    int NOT NULL,
        event_id    uuid NOT NULL UNIQUE,
        type        text NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor       jsonb NOT NULL,
        data        jsonb NOT NULL,
        source      text NOT NULL,
        prev_hash   char(64) NOT NULL,
        hash        char(64) NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (whistle_id, position)
      );
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE whistle_ledger; DROP TABLE whistle_view; DROP TABLE idempotency_keys;`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dispatch's state beside its event store: whistle briefs, assignments, and durable deadlines. */
export class DispatchTables1732500000300 implements MigrationInterface {
  name = 'DispatchTables1732500000300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE whistle_briefs (
        whistle_id uuid PRIMARY KEY,
        street_id uuid NOT NULL,
        situation_code text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        location jsonb NOT NULL
      );
      CREATE TABLE assignments (
        id uuid PRIMARY KEY,
        whistle_id uuid NOT NULL,
        department_id uuid NOT NULL,
        role text NOT NULL,
        status text NOT NULL,
        level text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX assignments_department_idx ON assignments (department_id, status);
      CREATE INDEX assignments_whistle_idx ON assignments (whistle_id);
      CREATE TABLE deadlines (
        assignment_id uuid NOT NULL,
        whistle_id uuid NOT NULL,
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'PENDING',
        PRIMARY KEY (assignment_id, kind)
      );
      CREATE INDEX deadlines_pending_idx ON deadlines (due_at) WHERE state = 'PENDING';
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deadlines; DROP TABLE assignments; DROP TABLE whistle_briefs;`);
  }
}

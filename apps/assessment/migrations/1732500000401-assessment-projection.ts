import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assessment's projections (docs/assessment.md):
 * - assessment_inbox_log: an append-only copy of every whistle event the projection used, in the
 *   order it was applied — the source of a rebuild (replayed from PostgreSQL, not Kafka);
 * - whistle_scoring_state: the projector's per-whistle state (JSON), read back for the next event;
 * - assignment_facts / whistle_facts: current state per assignment / whistle (analytics, humans);
 * - score_deltas (+ score_deltas_daily roll-up): signed changes of the per-(department, month)
 *   outcome and feedback counts at the instant they take effect — Σ over `at ≤ asOf` = the counts
 *   as of asOf;
 * - lost_point_marks: opening (+1) and closing (−1) marks of every lost-point item (late, missed,
 *   dissatisfied), for the explanations as of asOf;
 * - street_ratings, closed_periods: from this service's own events (StreetRated, PeriodClosed).
 */
export class AssessmentProjection1732500000401 implements MigrationInterface {
  name = 'AssessmentProjection1732500000401';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assessment_inbox_log (
        seq bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        whistle_id uuid,
        occurred_at timestamptz NOT NULL,
        envelope jsonb NOT NULL,
        logged_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE whistle_scoring_state (
        whistle_id uuid PRIMARY KEY,
        state jsonb NOT NULL
      );
      ALTER TABLE assignment_facts
        ADD COLUMN month text,
        ADD COLUMN completed_at timestamptz,
        ADD COLUMN excluded text,
        ADD COLUMN reported_at timestamptz,
        ADD COLUMN arrived_at timestamptz,
        ADD COLUMN last_completed_at timestamptz,
        ADD COLUMN overdue boolean NOT NULL DEFAULT false;
      CREATE INDEX assignment_facts_whistle_idx ON assignment_facts (whistle_id);
      CREATE TABLE whistle_facts (
        whistle_id uuid PRIMARY KEY,
        street_id uuid,
        situation_code text,
        area text,
        level text,
        status text NOT NULL,
        normalised_address text,
        blown_at timestamptz
      );
      CREATE INDEX whistle_facts_blown_idx ON whistle_facts (blown_at);
      CREATE TABLE score_deltas (
        department_id uuid NOT NULL,
        month text NOT NULL,
        at timestamptz NOT NULL,
        on_time int NOT NULL,
        late int NOT NULL,
        missed int NOT NULL,
        excluded int NOT NULL,
        satisfied int NOT NULL,
        basically_satisfied int NOT NULL,
        dissatisfied int NOT NULL
      );
      CREATE INDEX score_deltas_at_idx ON score_deltas (at);
      CREATE TABLE score_deltas_daily (
        month text NOT NULL,
        day date NOT NULL,
        department_id uuid NOT NULL,
        on_time int NOT NULL,
        late int NOT NULL,
        missed int NOT NULL,
        excluded int NOT NULL,
        satisfied int NOT NULL,
        basically_satisfied int NOT NULL,
        dissatisfied int NOT NULL,
        PRIMARY KEY (month, day, department_id)
      );
      CREATE TABLE lost_point_marks (
        month text NOT NULL,
        at timestamptz NOT NULL,
        department_id uuid NOT NULL,
        sign smallint NOT NULL,
        kind text NOT NULL,
        item_key text NOT NULL,
        whistle_id uuid NOT NULL,
        detail jsonb
      );
      CREATE INDEX lost_point_marks_month_idx ON lost_point_marks (month, at);
      CREATE TABLE street_ratings (
        street_id uuid NOT NULL,
        department_id uuid NOT NULL,
        period text NOT NULL,
        revision int NOT NULL,
        score int NOT NULL,
        deductions jsonb NOT NULL,
        comment text,
        rated_at timestamptz NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        PRIMARY KEY (street_id, department_id, period, revision)
      );
      CREATE INDEX street_ratings_period_idx ON street_ratings (period, rated_at);
      CREATE TABLE closed_periods (
        period text PRIMARY KEY,
        closed_at timestamptz NOT NULL,
        event_id uuid NOT NULL UNIQUE
      );
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE closed_periods; DROP TABLE street_ratings; DROP TABLE lost_point_marks; DROP TABLE score_deltas_daily;
      DROP TABLE score_deltas; DROP TABLE whistle_facts; DROP INDEX assignment_facts_whistle_idx;
      ALTER TABLE assignment_facts DROP COLUMN month, DROP COLUMN completed_at, DROP COLUMN excluded, DROP COLUMN reported_at,
        DROP COLUMN arrived_at, DROP COLUMN last_completed_at, DROP COLUMN overdue;
      DROP TABLE whistle_scoring_state; DROP TABLE assessment_inbox_log;
    `);
  }
}

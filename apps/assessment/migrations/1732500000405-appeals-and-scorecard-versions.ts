import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appeals (contract §11) and the stored versions of closed periods' scorecards:
 * - appeals: one row per appeal, projected from AppealFiled / AppealDecided (rebuilt from the
 *   event store like street_ratings); `decided_at` orders the restorations and says which
 *   scorecards (asOf at or after it) see an upheld one;
 * - scorecard_versions: a closed period's scorecard as it stood at its closing (version 1) and
 *   after each upheld appeal decided after the closing (version 2, 3, …): the full JSON answer
 *   (gzip) and its numbers; rows are only ever inserted.
 */
export class AppealsAndScorecardVersions1732500000405 implements MigrationInterface {
  name = 'AppealsAndScorecardVersions1732500000405';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE appeals (
        appeal_id uuid PRIMARY KEY,
        period text NOT NULL,
        department_id uuid NOT NULL,
        kind text NOT NULL,
        target_id uuid NOT NULL,
        deduction_index int,
        target jsonb NOT NULL,
        reason text NOT NULL,
        evidence jsonb NOT NULL,
        filed_at timestamptz NOT NULL,
        status text NOT NULL,
        decision_reason text,
        decided_at timestamptz,
        filed_event_id uuid NOT NULL UNIQUE,
        decided_event_id uuid UNIQUE
      );
      CREATE INDEX appeals_period_idx ON appeals (period, status);
      CREATE INDEX appeals_upheld_idx ON appeals (decided_at) WHERE status = 'UPHELD';
      CREATE INDEX appeals_target_idx ON appeals (target_id);
      CREATE TABLE scorecard_versions (
        period text NOT NULL,
        version int NOT NULL,
        as_of timestamptz NOT NULL,
        appeals_as_of timestamptz NOT NULL,
        policy_version int NOT NULL,
        amended_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        body bytea NOT NULL,
        numbers json NOT NULL,
        PRIMARY KEY (period, version)
      );
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scorecard_versions; DROP TABLE appeals;`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scoring policy versions dispatch has read from chuishao.assessment.events
 * (ScoringPolicyPublished, contract §12): only what dispatch uses — the extension cap per
 * assignment (contract §11) and the period it applies from. A version is never changed once
 * published; a redelivery or a second copy of the same version changes nothing.
 */
export class ScoringPolicyCaps1732500000306 implements MigrationInterface {
  name = 'ScoringPolicyCaps1732500000306';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scoring_policy_caps (
        version integer PRIMARY KEY,
        effective_from text NOT NULL,
        extension_cap integer NOT NULL CHECK (extension_cap >= 0),
        published_at timestamptz NOT NULL,
        event_id text NOT NULL
      )
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scoring_policy_caps`);
  }
}

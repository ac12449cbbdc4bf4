import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The watermark of a scorecard (ADR 0008): whether a cached rendition of a settled scorecard is
 * still what a fresh computation would return.
 * - score_deltas_daily.version: +1 each time the projection writes a delta or a lost-point mark of
 *   that (month, UTC day, department) — the projection upserts that row in the same transaction
 *   anyway, so no new lock is taken. Σ version over a period's months and the days up to asOf
 *   only grows, and grows with every commit that could change the answer as of asOf.
 * - projection_generation: bumped when the projection's rows are replaced wholesale (rebuild
 *   --replace), the one write that removes rows.
 */
export class ScorecardWatermark1732500000404 implements MigrationInterface {
  name = 'ScorecardWatermark1732500000404';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE score_deltas_daily ADD COLUMN version bigint NOT NULL DEFAULT 1;
      CREATE TABLE projection_generation (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        generation bigint NOT NULL
      );
      INSERT INTO projection_generation (singleton, generation) VALUES (true, 1);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projection_generation; ALTER TABLE score_deltas_daily DROP COLUMN version;`);
  }
}

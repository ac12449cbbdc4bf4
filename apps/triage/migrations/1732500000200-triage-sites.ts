import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where earlier whistles were blown, for the recurring-problem rule. */
export class TriageSites1732500000200 implements MigrationInterface {
  name = 'TriageSites1732500000200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE whistle_sites (
        whistle_id uuid PRIMARY KEY,
        situation_code text NOT NULL,
        normalised_address text NOT NULL,
        lat double precision,
        lng double precision,
        blown_at timestamptz NOT NULL
      );
      CREATE INDEX whistle_sites_situation_idx ON whistle_sites (situation_code, blown_at);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE whistle_sites`);
  }
}

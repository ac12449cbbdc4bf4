import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recurring-problem rule looks for neighbours of a new whistle by address and by distance:
 * one index for each arm of that OR, so the lookup reads the neighbours only (it read every whistle
 * of the situation in the window before: ~4,000 rows a whistle under a one-situation load).
 */
export class TriageSitesNeighbourIndexes1732500000202 implements MigrationInterface {
  name = 'TriageSitesNeighbourIndexes1732500000202';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX whistle_sites_address_idx ON whistle_sites (situation_code, normalised_address, blown_at);
      CREATE INDEX whistle_sites_position_idx ON whistle_sites (situation_code, lat, lng) WHERE lat IS NOT NULL AND lng IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX whistle_sites_position_idx; DROP INDEX whistle_sites_address_idx;`);
  }
}

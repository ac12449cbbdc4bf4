import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recurring count asks each of its two arms through its own index (the handler's
 * recurringCountSql), and no other index may look as good to a planner without statistics: a
 * generic plan made while the table was small (a new database, no ANALYZE yet) is kept for as long
 * as the connection lives. So:
 * - the (situation, blown_at) index, which served neither arm, is dropped;
 * - the address index leads with the address, so the distance arm (no address to look for) cannot
 *   use it to read every whistle of the situation, as it did (~2,000 rows a whistle in the benchmark);
 * - the position index gains blown_at: the window is checked in the index, and whistles near the
 *   same spot in earlier years are skipped without visiting the table.
 */
export class TriageSitesArmIndexes1732500000203 implements MigrationInterface {
  name = 'TriageSitesArmIndexes1732500000203';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX whistle_sites_situation_idx;
      DROP INDEX whistle_sites_address_idx;
      DROP INDEX whistle_sites_position_idx;
      CREATE INDEX whistle_sites_address_idx ON whistle_sites (normalised_address, situation_code, blown_at);
      CREATE INDEX whistle_sites_position_idx ON whistle_sites (situation_code, lat, lng, blown_at) WHERE lat IS NOT NULL AND lng IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX whistle_sites_position_idx;
      DROP INDEX whistle_sites_address_idx;
      CREATE INDEX whistle_sites_address_idx ON whistle_sites (situation_code, normalised_address, blown_at);
      CREATE INDEX whistle_sites_position_idx ON whistle_sites (situation_code, lat, lng) WHERE lat IS NOT NULL AND lng IS NOT NULL;
      CREATE INDEX whistle_sites_situation_idx ON whistle_sites (situation_code, blown_at);
    `);
  }
}

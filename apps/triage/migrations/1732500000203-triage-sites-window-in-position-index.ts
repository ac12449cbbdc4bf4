import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recurring count asks each of its two arms through its own index (the handler's
 * recurringCountSql). The (situation, blown_at) index served neither arm and invited the planner,
 * before the table had statistics, to read every whistle of the situation in the window: dropped.
 * The position index gains blown_at, so the window is checked in the index and whistles near the
 * same spot in earlier years are skipped without visiting the table.
 */
export class TriageSitesWindowInPositionIndex1732500000203 implements MigrationInterface {
  name = 'TriageSitesWindowInPositionIndex1732500000203';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX whistle_sites_situation_idx;
      DROP INDEX whistle_sites_position_idx;
      CREATE INDEX whistle_sites_position_idx ON whistle_sites (situation_code, lat, lng, blown_at) WHERE lat IS NOT NULL AND lng IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX whistle_sites_position_idx;
      CREATE INDEX whistle_sites_position_idx ON whistle_sites (situation_code, lat, lng) WHERE lat IS NOT NULL AND lng IS NOT NULL;
      CREATE INDEX whistle_sites_situation_idx ON whistle_sites (situation_code, blown_at);
    `);
  }
}

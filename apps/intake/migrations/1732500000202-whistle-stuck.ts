import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whistles a consumer of some service has parked (contract §10), from the stuck topic: one row
 * per whistle and consumer until the operator replays or discards what was parked.
 */
export class WhistleStuck1732500000202 implements MigrationInterface {
  name = 'WhistleStuck1732500000202';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE whistle_stuck (
      whistle_key text NOT NULL,
      consumer    text NOT NULL,
      service     text NOT NULL,
      reason      text NOT NULL,
      since       timestamptz NOT NULL,
      PRIMARY KEY (whistle_key, consumer)
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE whistle_stuck`);
  }
}

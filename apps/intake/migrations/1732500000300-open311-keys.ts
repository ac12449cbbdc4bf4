import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Streets' Open311 API keys as data (contract §14): the projection of the Open311KeyIssued /
 * Open311KeyRevoked events of intake's event store (the audit trail). Only the SHA-256 of a key
 * is kept (`key_hash`, the lookup), never the key.
 */
export class Open311Keys1732500000300 implements MigrationInterface {
  name = 'Open311Keys1732500000300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE open311_keys (
        id           uuid PRIMARY KEY,
        street_id    text NOT NULL,
        label        text,
        prefix       text NOT NULL,
        key_hash     char(64) NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL,
        created_by   text NOT NULL,
        expires_at   timestamptz,
        revoked_at   timestamptz,
        revoked_by   text,
        last_used_at timestamptz
      );
      CREATE INDEX open311_keys_street_idx ON open311_keys (street_id, created_at);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE open311_keys`);
  }
}

import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { defaultCatalog } from '@chuishao/catalog';
import { EventStoreMigration1732500000000 } from '@chuishao/event-store';
import { openServiceDatabase } from '@chuishao/postgres';
import { freshDatabase } from '@chuishao/testing';
import { NEW_WHISTLES_SQL } from '../src/whistle/dispatch-streams';

/**
 * whistle_briefs as dispatch's migrations leave it (apps/dispatch/migrations 300 and 301), keyed by
 * whistle id. The feature cannot import its service's migrations, so the table the lookup is planned
 * on is stated here; `streams` is the event store's own.
 */
const WHISTLE_BRIEFS = `CREATE TABLE whistle_briefs (whistle_id uuid PRIMARY KEY, street_id uuid NOT NULL, situation_code text NOT NULL, title text NOT NULL,
  description text NOT NULL, location jsonb NOT NULL, phase text NOT NULL DEFAULT 'OPEN', updated_at timestamptz NOT NULL DEFAULT now())`;

/** The lookup of a batch's new whistles (DispatchStreams.loadNew) on real PostgreSQL (ADR 0012). */
describe("dispatch: a batch's whistles looked up by key (real PostgreSQL)", () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await freshDatabase('dispatch_streams');
    ds = await openServiceDatabase({ url: db.url, schema: 'dispatch', migrations: [EventStoreMigration1732500000000] });
    await ds.query(WHISTLE_BRIEFS);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it("looks a batch's whistles up by key, never by reading every stream and brief (with statistics, or a generic plan made on empty tables)", async () => {
    const qr = ds.createQueryRunner();
    try {
      // a generic plan made while the tables were empty, then used on 3,000 streams and briefs
      await qr.query(`CREATE TEMP TABLE streams (LIKE streams INCLUDING ALL); CREATE TEMP TABLE whistle_briefs (LIKE whistle_briefs INCLUDING ALL)`);
      await qr.query(`SET plan_cache_mode = force_generic_plan`);
      await qr.query(`PREPARE new_whistles AS ${NEW_WHISTLES_SQL}`);
      await qr.query(`EXECUTE new_whistles('{${randomUUID()}}')`);
      await qr.query(`INSERT INTO whistle_briefs (whistle_id, street_id, situation_code, title, description, location)
        SELECT gen_random_uuid(), $1, 'FIRE_LANE_BLOCKED', '标题', '', '{}' FROM generate_series(1, 3000)`, [defaultCatalog().streets[0].id]);
      await qr.query(`INSERT INTO streams (stream_id, stream_type, version, last_hash) SELECT 'whistle-' || whistle_id, 'whistle', 1, repeat('0', 64) FROM whistle_briefs`);
      const [{ 'QUERY PLAN': generic }] = await qr.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE new_whistles('{${randomUUID()},${randomUUID()}}')`);
      expect(JSON.stringify(generic)).not.toContain('"Node Type":"Seq Scan"');
      // the same with statistics (ANALYZE), planned afresh
      await qr.query(`DEALLOCATE new_whistles; RESET plan_cache_mode; ANALYZE streams; ANALYZE whistle_briefs; PREPARE new_whistles AS ${NEW_WHISTLES_SQL}`);
      const [{ 'QUERY PLAN': analysed }] = await qr.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE new_whistles('{${randomUUID()},${randomUUID()}}')`);
      expect(JSON.stringify(analysed)).not.toContain('"Node Type":"Seq Scan"');
    } finally {
      await qr.query(`DEALLOCATE ALL; DISCARD TEMP`).catch(() => undefined);
      await qr.release();
    }
  });
});

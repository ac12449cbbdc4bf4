import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the event a replyId produced, to tell a replay (same reply) from a replyId reused for another reply. */
export class DispatchReplyIds1732500000302 implements MigrationInterface {
  name = 'DispatchReplyIds1732500000302';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_reply_id_idx ON events ((data->>'replyId'), (data->>'departmentId')) WHERE data ? 'replyId'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_reply_id_idx`);
  }
}

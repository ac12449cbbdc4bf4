import type { MigrationInterface, QueryRunner } from 'typeorm';
import { EVENT_STORE_DDL, EVENT_STORE_DROP, notifyOutboxFunction } from './sql';

/** The first migration of every service: event store, outbox and inbox in the service's schema. */
export class EventStoreMigration1732500000000 implements MigrationInterface {
  name = 'EventStoreMigration1732500000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(EVENT_STORE_DDL);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(EVENT_STORE_DROP);
  }
}

/**
 * The outbox trigger NOTIFYs only for writers that will not wake the relay themselves: a session
 * with `chuishao.outbox_wake = process` (the services' pools, the messaging library's OUTBOX_WAKE_OPTION) commits
 * without it. A NOTIFY takes a lock that is global to the PostgreSQL server from the writer's
 * pre-commit to the end of its commit, its WAL flush included, so every notifying commit on the
 * server waited for the one before it (ADR 0013).
 */
export class OutboxWakeMigration1732500000001 implements MigrationInterface {
  name = 'OutboxWakeMigration1732500000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(notifyOutboxFunction(true));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(notifyOutboxFunction(false));
  }
}

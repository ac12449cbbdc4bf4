import type { Producer } from 'kafkajs';

/** The outbox relay's settings and what it reports (./outbox-relay.ts). */

/** How long published rows may wait for the next read to delete them before a read runs for them alone. */
export const LINGERING_DELETE_MS = 250;

/**
 * How long the relay waits, at a gap in the ids while its process still has outbox writes under
 * way (most often the gap is theirs: a statement that took its ids first and returns a moment
 * later), before it reads its outbox instead.
 */
export const GAP_WAIT_MS = 20;

/** How many published ids the relay remembers, so a row it read is not published again when its commit's hand-over comes after. */
export const REMEMBERED_IDS = 50000;

/**
 * After how many deleted rows the relay vacuums its outbox (ADR 0015). The outbox is a queue: every
 * row is inserted once and deleted once, and each drain reads it from its smallest id, through the
 * index entries of every row deleted since the last VACUUM. Without one, this machine's PostgreSQL
 * (autovacuum off) made each drain slower by the minute; autovacuum's default, with its one-minute
 * naptime, can leave tens of thousands of dead rows behind at 200 whistles/s.
 */
export const VACUUM_EVERY_DELETED_ROWS = 5000;

export interface RelayOptions {
  databaseUrl: string;
  schema: string;
  producer: Producer;
  batchSize?: number;
  /** A safety net only: the relay wakes when its process commits outbox rows, or on NOTIFY; this catches a wake lost in a reconnect. */
  safetyPollMs?: number;
  onError?: (err: unknown) => void;
  /** Vacuum the outbox after this many deleted rows (default {@link VACUUM_EVERY_DELETED_ROWS}; 0: never, autovacuum's job alone). */
  vacuumEveryRows?: number;
  /** Called after each of the relay's own VACUUMs, with how long it took (seconds). */
  onVacuumed?: (seconds: number) => void;
  /** How long handed-over rows wait at a gap for this process's writes under way before the relay reads (default {@link GAP_WAIT_MS}). */
  gapWaitMs?: number;
  /** Called after each batch it published: how many rows, from where, and the wall time of its steps. */
  onDrained?: (drain: RelayDrain) => void;
}

/**
 * One published batch of the relay. `source`: `commit`, rows its own process committed and handed
 * over with their ids (ADR 0019: nothing read); `outbox`, rows it read from its outbox.
 * `readSeconds`, for `outbox`, the statement that read them (the previous batch's DELETE and this
 * batch's SELECT, one round trip), 0 for `commit`; `publishSeconds`, the produce until Kafka
 * acknowledged it (acks=all).
 */
export interface RelayDrain {
  source: 'commit' | 'outbox';
  rows: number;
  readSeconds: number;
  publishSeconds: number;
}

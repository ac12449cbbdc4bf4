import type { Actor } from '@chuishao/contracts';

/** Who caused an event and why: carried by every stored event and every bus envelope. */
export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  actor: Actor;
}

/** An event a decider produced, before it is stored. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  /** Defaults to the schema version registered for the type, else 1. */
  schemaVersion?: number;
  eventId?: string;
  occurredAt?: Date;
}

export interface StoredEvent<T extends string = string, D = unknown> {
  eventId: string;
  type: T;
  schemaVersion: number;
  streamId: string;
  streamPosition: number;
  globalPosition: number;
  data: D;
  metadata: EventMetadata;
  occurredAt: Date;
  recordedAt: Date;
  prevHash: string;
  hash: string;
}

/** A stored event before the database numbered it (what is known before the append's statement runs). */
export type EventDraft<T extends string = string, D = unknown> = Omit<StoredEvent<T, D>, 'globalPosition' | 'recordedAt'>;

/**
 * A data-modifying statement (INSERT/UPDATE/DELETE, no RETURNING needed) that an append writes
 * inside its own statement, as a CTE: same transaction, same snapshot, no extra round trip
 * (ADR 0009). `first` is the number its first parameter must take. Companions of one append must
 * not touch the same row twice (PostgreSQL applies one of two modifications of a row in one
 * statement) and cannot see each other's rows.
 */
export type Companion = (first: number) => CompanionStatement;

export interface CompanionStatement {
  sql: string;
  params: unknown[];
  /**
   * An expression the composed statement adds to what it returns, given the name of the CTE this
   * companion runs as (its SQL must then say RETURNING what the expression reads): so the outbox
   * insert tells the connection its rows' ids (ADR 0019). The statement returns it on every row it
   * returns, under a name the expression gives with AS.
   */
  output?: (cte: string) => string;
}

/** Expected version of a stream: its exact current version (0 = the stream must not exist yet), or 'any'. */
export type ExpectedVersion = number | 'any';

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** Upcasters turn an old schema version of an event's data into the next one, when read. */
export type Upcaster = (data: unknown) => unknown;
export interface UpcasterRegistry {
  /** type → from-version → upcaster to from-version + 1 */
  [type: string]: { [fromVersion: number]: Upcaster };
}

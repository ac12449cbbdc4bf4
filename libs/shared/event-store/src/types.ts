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

import type { Actor } from '@chuishao/contracts';
import type { EventDraft } from '@chuishao/event-store';
import { RejectMessage } from './rejected';

/**
 * What travels on our own event topics. Every envelope names its event, the schema version of
 * `data`, the stream it was appended to, why it happened (correlation/causation) and who did it.
 */
export interface Envelope<T extends string = string, D = unknown> {
  eventId: string;
  type: T;
  schemaVersion: number;
  source: string;
  streamId: string;
  streamPosition: number;
  /** The whistle the event belongs to, when it belongs to one (also the Kafka key). */
  whistleId: string | null;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  data: D;
}

export function toEnvelope<T extends string, D>(
  event: EventDraft<T, D>,
  source: string,
  whistleId: string | null,
): Envelope<T, D> {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    source,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    whistleId,
    occurredAt: event.occurredAt.toISOString(),
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    actor: event.metadata.actor,
    data: event.data,
  };
}

const REQUIRED: Array<[keyof Envelope, string]> = [
  ['eventId', 'string'],
  ['type', 'string'],
  ['schemaVersion', 'number'],
  ['source', 'string'],
  ['streamId', 'string'],
  ['occurredAt', 'string'],
  ['correlationId', 'string'],
  ['actor', 'object'],
  ['data', 'object'],
];

/** Checks the shape of an envelope read from the bus; returns a reason when it is not one. */
export function envelopeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'message is not a JSON object';
  const record = value as Record<string, unknown>;
  for (const [field, type] of REQUIRED) {
    if (typeof record[field] !== type || record[field] === null) return `envelope field ${field} must be a ${type}`;
  }
  return undefined;
}

/** A consumed message as an envelope; a malformed one can never be applied ({@link RejectMessage}). */
export function envelopeOrReject(payload: unknown): Envelope {
  const problem = envelopeProblem(payload);
  if (problem) throw new RejectMessage(problem);
  return payload as Envelope;
}

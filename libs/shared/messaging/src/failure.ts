import { ConcurrencyError } from '@chuishao/event-store';
import { RejectMessage } from './rejected';

/**
 * What a consumer does with a message its handler could not apply (the table in
 * docs/reliability.md, contract §10):
 * - `permanent`: applying it again cannot succeed — the message is malformed or refused by the
 *   domain (RejectMessage), or the store refuses its data (SQLSTATE class 22, data exception; class
 *   23, integrity, other than a duplicate of the dedupe key). It goes to its rejected topic or is
 *   parked, and the partition moves on.
 * - `transient`: the world is in the way (a connection lost, a serialization failure or deadlock,
 *   the server shutting down or out of resources, the broker unavailable). Retried with back-off
 *   for as long as it lasts; /health says the consumer is degraded, and why.
 * - `unknown`: anything else (a bug meeting data it did not expect). Retried with back-off; once it
 *   has failed {@link UNKNOWN_FAILURE_LIMIT} times while the database answers a probe, it is taken
 *   for permanent.
 */
export type FailureKind = 'permanent' | 'transient' | 'unknown';

export interface Failure {
  kind: FailureKind;
  /**
   * Why, for the rejected topic, the parked row and the log: the SQLSTATE and the server's message
   * (which names no value of ours), or the refusal's reason — never the SQL or its parameters.
   */
  reason: string;
  /** A refusal's details (RejectMessage's), written with it to the rejected topic. */
  details?: unknown;
}

/** Attempts after which an `unknown` failure, with the database answering, is taken for permanent. */
export const UNKNOWN_FAILURE_LIMIT = 5;

const REASON_MAX = 300;

/** SQLSTATEs and classes that pass (PostgreSQL, appendix A). */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03|55006|58000|58030)/;
/** 23505 (unique) is left out: most often a concurrent append to the same stream, which a retry settles. */
const PERMANENT_SQLSTATE = /^(22|23(?!505)|54|42804)/;
/** Node's and pg's words for a lost or refused connection. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGE = /Connection terminated|connection (?:is )?(?:closed|ended)|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i;

/** The SQLSTATE of a PostgreSQL error (pg's DatabaseError, or TypeORM's QueryFailedError wrapping it). */
export function sqlState(err: unknown): string | undefined {
  for (const e of [err, (err as { driverError?: unknown } | null)?.driverError]) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 1)}…` : line;
}

/**
 * Classifies a handler's failure, once for every consumer (the inbox's own duplicates never throw:
 * it inserts ON CONFLICT DO NOTHING).
 */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof RejectMessage) return { kind: 'permanent', reason: shorten(err.reason), ...(err.details === undefined ? {} : { details: err.details }) };
  if (err instanceof ConcurrencyError) return { kind: 'transient', reason: shorten(err.message) };
  const state = sqlState(err);
  const message = err instanceof Error ? err.message : String(err);
  if (state) {
    // pg's message is the server's primary message: it names the problem, not our values
    const reason = shorten(`PostgreSQL ${state}: ${(err as { driverError?: Error }).driverError?.message ?? message}`);
    if (TRANSIENT_SQLSTATE.test(state)) return { kind: 'transient', reason };
    if (PERMANENT_SQLSTATE.test(state)) return { kind: 'permanent', reason };
    return { kind: 'unknown', reason };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if ((typeof code === 'string' && TRANSIENT_CODES.has(code)) || TRANSIENT_MESSAGE.test(message)) {
    return { kind: 'transient', reason: shorten(`${typeof code === 'string' ? `${code}: ` : ''}${message}`) };
  }
  if ((err as { retriable?: unknown } | null)?.retriable === true || /^KafkaJS/.test((err as Error | null)?.name ?? '')) {
    return { kind: 'transient', reason: shorten(`Kafka: ${message}`) };
  }
  const name = err instanceof Error ? err.name : typeof err;
  return { kind: 'unknown', reason: shorten(`${name}: ${message}`) };
}

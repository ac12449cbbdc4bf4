import type { MessageHandler } from '@nestjs/microservices';
import type { ConsumerConfig, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { counter, gauge, histogram } from '@chuishao/platform';
import { STAGE_BUCKETS } from './batch-transaction';
import type { ConsumerFetch } from './kafka-event.context';

/** The Kafka consumer server's options, routes, health and metrics (./kafka-event.server.ts). */

export const handled = counter('chuishao_consumer_messages_total', 'Messages handled by a consumer, by outcome (ok, rejected, parked, retry)', ['group', 'outcome']);
export const handleSeconds = histogram('chuishao_consumer_handle_seconds', 'Time a handler takes for one message (its transaction included)', ['group'], STAGE_BUCKETS);
export const parkedKeys = gauge('chuishao_consumer_parked_keys', 'Keys (whistles) whose messages a consumer has parked, waiting for an operator', ['group']);
export const joins = counter('chuishao_consumer_group_joins_total', 'Times a consumer joined its group (its start, then every rebalance: a member came or went)', ['group']);
export const assignedPartitions = gauge('chuishao_consumer_assigned_partitions', 'Partitions a consumer was assigned at its last join, by topic', ['group', 'topic']);
export const retryingGauge = gauge('chuishao_consumer_retrying', 'Partitions whose next message a consumer is retrying after a transient failure', ['group']);

/**
 * What a consumer does with a message that fails for a permanent reason (see failure.ts), chosen
 * per handler with `@EventPattern(pattern, { permanentFailure })`: `reject` (the default) sends it
 * to `<topic>.rejected` with the reason — for messages from outside, the departments' replies;
 * `park` parks it with the later messages of its key — for internal events, whose order per
 * whistle must hold (contract §10).
 */
export type PermanentFailurePolicy = 'reject' | 'park';

/** `@EventPattern(TOPICS.whistleEvents, PARK_PERMANENT_FAILURES)`: an internal event that cannot be applied is parked. */
export const PARK_PERMANENT_FAILURES = { permanentFailure: 'park' as PermanentFailurePolicy };

export interface KafkaEventServerOptions {
  kafka: Kafka;
  /** Consumer group (one per service and purpose). */
  groupId: string;
  /** The service, named in the stuck notices of what it parks. */
  service?: string;
  /** Producer used for rejected messages. */
  producer: Producer;
  /** The prefix in front of every @EventPattern topic name (see topics.ts). */
  topicPrefix: string;
  /**
   * Which of the application's @EventPattern handlers this consumer takes, by their pattern as
   * written (without the prefix); default all. Nest gives every connected server all handlers; a
   * service with a second consumer group splits them with this (ADR 0016).
   */
  only?: (pattern: string) => boolean;
  /**
   * How many partition batches of a fetch kafkajs hands over at once. With a DataSource they share
   * their topic's batch transactions (ADR 0014), so it should be at least the partitions a consumer
   * may own: batches beyond it wait for a worker and a transaction of their own. Default 16.
   */
  partitionsConsumedConcurrently?: number;
  /** How a fetch gathers its batch (see {@link ConsumerFetch}); default: answered as soon as one message is there, else after 250 ms. */
  fetch?: ConsumerFetch;
  /**
   * When given, the messages of a fetched batch are handled in ONE transaction of this DataSource
   * (each message's {@link processOnce} under its own savepoint), up to `maxPerTransaction` at a
   * time; and messages can be parked in its `parked` table.
   */
  dataSource?: DataSource;
  /** Messages per batch transaction at most (≤ 64, PostgreSQL's subtransaction cache). Default 50. */
  maxPerTransaction?: number;
  /** Offsets are committed to Kafka at most this often (and when the server closes). Default 1000 ms. */
  commitIntervalMs?: number;
  /** How often the consumer looks for an operator's replay or discard of a parked key. Default 2000 ms. */
  parkedPollMs?: number;
  log: { info(msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  onMessage?: (topic: string, outcome: 'ok' | 'rejected' | 'parked' | 'retry') => void;
}

export interface Route {
  pattern: string;
  topic: string | RegExp;
  handler: MessageHandler;
  policy: PermanentFailurePolicy;
}

/** What the consumer's failures look like now, for /health. */
export interface ConsumerHealth {
  group: string;
  /** Joining its group (at start: HTTP already serves), running, or crashed for good (kafkajs will not restart it). */
  state: 'joining' | 'running' | 'crashed';
  cause?: string;
  /** Partitions whose next message is being retried after a transient failure, with the cause. */
  retrying: Array<{ topic: string; partition: number; since: string; reason: string }>;
  /** Keys with parked messages. */
  parked: number;
}

/** The parsed JSON of a message, or its raw text when it is not JSON (handlers decide what that means). */
export function parsePayload(message: KafkaMessage): unknown {
  const text = message.value ? message.value.toString('utf8') : '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}


/** The route of an `@EventPattern` handler: its topic (a `*` matches one topic-name segment) and failure policy (park only with a parking lot). */
export function routeOf(full: string, handler: MessageHandler, canPark: boolean): Route {
  const topic = full.includes('*') ? new RegExp(`^${full.split('*').map(escapeRegExp).join('[^.]+')}$`) : full;
  const policy = (handler.extras as { permanentFailure?: PermanentFailurePolicy } | undefined)?.permanentFailure ?? 'reject';
  return { pattern: full, topic, handler, policy: canPark ? policy : 'reject' };
}

/** The kafkajs consumer of these options. */
export function consumerConfig(options: Pick<KafkaEventServerOptions, 'groupId' | 'fetch'>): ConsumerConfig {
  return {
    groupId: options.groupId,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: options.fetch?.maxWaitMs ?? 250,
    minBytes: options.fetch?.minBytes ?? 1,
    retry: { retries: 10 },
  };
}

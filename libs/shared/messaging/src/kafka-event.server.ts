import { Server, type CustomTransportStrategy, BaseRpcContext, type MessageHandler } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, OffsetsByTopicPartition, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import { GroupCommitter, type Outcome } from '@chuishao/event-store';
import { counter, histogram } from '@chuishao/platform';
import { RejectMessage, rejectedMessage, rejectedTopicFor } from './rejected';
import { closeBatchScope, flushDeferred, openBatchScope, type BatchScope, type InBatch, type RawClient } from './inbox';

/** Histogram buckets (seconds) for one stage of a message's way: a handler, a batch, a relay step. */
export const STAGE_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1];

const handled = counter('chuishao_consumer_messages_total', 'Messages handled by a consumer, by outcome', ['group', 'outcome']);
const handleSeconds = histogram(
  'chuishao_consumer_handle_seconds',
  'Time a handler takes for one message (its transaction included)',
  ['group'],
  STAGE_BUCKETS,
);
const batchSeconds = histogram(
  'chuishao_consumer_batch_seconds',
  "A batch's wall time, from when the consumer had it to the end of its writes (its commit, if it has a transaction; a batch that waited for its topic's previous transaction counts the wait), observed once for each message in it that did work: what a message waits for its consumer's own work (the Kafka hops excluded)",
  ['group'],
  STAGE_BUCKETS,
);

/**
 * Savepoints (processOnce's, one a message) one batch transaction opens at most: PostgreSQL caches
 * 64 subtransaction ids a backend, and past that every snapshot of every session looks them up in
 * pg_subtrans.
 */
const SUBXID_CACHE = 64;

/** A partition's chunk of messages for its topic's next batch transaction (see deliverWithOthers). */
interface Part {
  handler: MessageHandler;
  topic: string;
  partition: number;
  chunk: KafkaMessage[];
  running: () => boolean;
  /** When it was handed in: its batch time counts from there. */
  since: bigint;
}

/** How many of a part's messages, from the first, are done, and whether the next one failed (to be retried alone). */
interface PartOutcome {
  done: number;
  failed: boolean;
}

/**
 * What a handler learns about the message besides its parsed value; hand it to processOnce and
 * currentManager so they join the batch's transaction.
 */
export class KafkaEventContext extends BaseRpcContext<[string, number, KafkaMessage, BatchScope?, Membership?]> implements InBatch {
  get topic(): string {
    return this.args[0];
  }
  get partition(): number {
    return this.args[1];
  }
  get message(): KafkaMessage {
    return this.args[2];
  }
  get key(): string | null {
    return this.args[2].key ? this.args[2].key.toString('utf8') : null;
  }
  /** The batch transaction this message is handled in, if any. */
  get batch(): BatchScope | undefined {
    return this.args[3];
  }
  /** The consumer's membership of its group when the message was handed over. */
  get membership(): Membership {
    return this.args[4] ?? NOT_KNOWN;
  }
}

/**
 * A consumer's place in its group, as far as it knows: a new `generation` each time it joined (or
 * began to rebalance), and whether it was then the group's only member — so it owned every partition
 * of its topics, and saw every message of them from then on until the generation changes (ADR 0017).
 * `sole` is false until the group's description confirmed it, and from the moment a rebalance begins.
 */
export interface Membership {
  readonly generation: number;
  readonly sole: boolean;
}

const NOT_KNOWN: Membership = { generation: 0, sole: false };

/**
 * How long the broker may hold a consumer's fetch to gather a larger batch: it answers when
 * `minBytes` are there or `maxWaitMs` have passed. A consumer on the whistle's critical path
 * answers at the first message (minBytes 1); a projection whose readers can wait a little asks
 * for bigger batches — fewer fetches for the broker, fewer transactions for PostgreSQL (ADR 0010).
 */
export interface ConsumerFetch {
  maxWaitMs: number;
  minBytes: number;
}

/** A read model off the whistle's critical path: batches gathered for up to 100 ms. */
export const PROJECTION_FETCH: ConsumerFetch = { maxWaitMs: 100, minBytes: 1 << 20 };

export interface KafkaEventServerOptions {
  kafka: Kafka;
  /** Consumer group (one per service and purpose). */
  groupId: string;
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
   * (each message's {@link processOnce} under its own savepoint), up to `maxPerTransaction` at a time.
   */
  dataSource?: DataSource;
  /** Messages per batch transaction at most (≤ 64, PostgreSQL's subtransaction cache). Default 50. */
  maxPerTransaction?: number;
  /**
   * Offsets are committed to Kafka at most this often (and when the server closes), not after every
   * batch: the inbox makes a redelivery after a crash or a rebalance harmless. Default 1000 ms.
   */
  commitIntervalMs?: number;
  log: { info(msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  onMessage?: (topic: string, outcome: 'ok' | 'rejected' | 'retry') => void;
}

/**
 * A @nestjs/microservices transport over kafkajs for our event topics and the departments' reply
 * topics. `@EventPattern('<topic>')` handlers receive the parsed JSON (or the raw text when it is
 * not JSON) and a KafkaEventContext; a pattern with `*` matches one topic-name segment.
 *
 * Delivery is at least once: an offset is resolved only after its handler has finished (and so
 * committed its inbox row); resolved offsets are committed every `commitIntervalMs` (not after
 * each batch: one request fewer per batch) and on shutdown — after a crash or a rebalance the
 * uncommitted tail is delivered again and the inbox turns it into no-ops. A handler that
 * throws RejectMessage sends the message to `<topic>.rejected` with the reason; any other error is
 * retried with back-off without skipping, so a database outage delays but never loses a message.
 *
 * With a DataSource, the messages of one fetched batch share one transaction (group commit, ADR
 * 0005): each handler's processOnce runs under a savepoint of it; the offsets are resolved, and the
 * rejected messages sent, only after that transaction committed. A handler that fails otherwise
 * than by RejectMessage ends the shared transaction (what came before it commits) and is retried
 * alone, as without a DataSource. A batch whose messages all were set aside with
 * processOnceInOneStatement opens no transaction at all: their write is one statement with their
 * inbox rows as its gate (ADR 0010); the offsets are resolved after it returned.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private closing = false;
  /** Each @EventPattern: its full topic name, or a RegExp for a pattern with `*`, and its handler. */
  private routes: Array<{ pattern: string; topic: string | RegExp; handler: MessageHandler }> = [];
  /** The batches being handled now (close() waits for them before it commits their offsets). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Resolved offsets not yet committed to Kafka (from the consumer group). */
  private uncommitted?: () => OffsetsByTopicPartition;
  private commitTimer?: NodeJS.Timeout;
  /** By topic: the group commit its partitions' chunks go through (ADR 0014). */
  private readonly together = new Map<string, GroupCommitter<Part, PartOutcome>>();
  private membership: Membership = NOT_KNOWN;

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
  }

  on(): void {
    /* no transport-level events to expose */
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topicPrefix } = this.options;
    for (const [pattern, handler] of this.getHandlers()) {
      if (this.options.only && !this.options.only(pattern)) continue;
      const full = topicPrefix ? `${topicPrefix}.${pattern}` : pattern;
      const topic = full.includes('*') ? new RegExp(`^${full.split('*').map(escapeRegExp).join('[^.]+')}$`) : full;
      this.routes.push({ pattern: full, topic, handler });
    }
    if (this.routes.length === 0) return;
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: this.options.fetch?.maxWaitMs ?? 250,
      minBytes: this.options.fetch?.minBytes ?? 1,
      retry: { retries: 10 },
    });
    this.watchMembership(this.consumer);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.routes.map((r) => r.topic), fromBeginning: true });
    await this.consumer.run({
      // kafkajs would commit after every batch (one OffsetCommit request each); a timer commits what
      // was resolved every commitIntervalMs instead, and close() once more
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 16,
      eachBatch: (payload) => {
        if (this.closing) return Promise.resolve(); // nothing resolved: redelivered to the next owner
        const p = this.eachBatch(payload).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
        return p;
      },
    });
    this.commitTimer = setInterval(() => void this.commitResolved(), this.options.commitIntervalMs ?? 1000);
    this.commitTimer.unref();
    this.options.log.info(`consumer ${groupId} subscribed to ${this.routes.map((r) => r.pattern).join(', ')}`);
  }

  /**
   * Keeps {@link membership}: a rebalance that begins ends the sole ownership at once; each join
   * opens a new generation, sole once the group's description shows this member alone in it.
   */
  private watchMembership(consumer: Consumer): void {
    const next = (sole: boolean) => (this.membership = { generation: this.membership.generation + 1, sole });
    consumer.on(consumer.events.REBALANCING, () => next(false));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      const joined = next(false);
      consumer
        .describeGroup()
        .then((group) => {
          if (this.membership === joined && group.members.length === 1) this.membership = { generation: joined.generation, sole: true };
        })
        .catch((err: unknown) => this.options.log.warn({ err }, 'group not described: this member is not taken to be the only one'));
    });
  }

  /** Commits the offsets resolved since the last commit, if any. */
  private async commitResolved(consumer = this.consumer): Promise<void> {
    const pending = this.uncommitted?.().topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset }))) ?? [];
    if (!consumer || pending.length === 0) return;
    await consumer.commitOffsets(pending).catch((err: unknown) => this.options.log.warn({ err }, 'offsets not committed (they are redelivered and deduplicated if the partition moves)'));
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, uncommittedOffsets, isRunning, isStale }: EachBatchPayload): Promise<void> {
    this.uncommitted = uncommittedOffsets;
    const route = this.routes.find((r) => (typeof r.topic === 'string' ? r.topic === batch.topic : r.topic.test(batch.topic)));
    const running = () => isRunning() && !isStale();
    const messages = batch.messages;
    let i = 0;
    while (i < messages.length && running()) {
      if (route && this.options.dataSource) {
        const chunk = messages.slice(i, i + this.maxPerTransaction);
        const { done, failed } = await this.deliverWithOthers(this.options.dataSource, { handler: route.handler, topic: batch.topic, partition: batch.partition, chunk, running });
        for (let k = 0; k < done; k++) resolveOffset(chunk[k].offset);
        i += done;
        if (!failed || !running()) {
          await heartbeat();
          continue;
        }
      }
      // no DataSource, or the message at i failed inside a shared transaction: alone, with retries
      const message = messages[i];
      if (route) await this.deliver(route.handler, batch.topic, batch.partition, message, heartbeat, running);
      resolveOffset(message.offset);
      i++;
      await heartbeat();
    }
  }

  private get maxPerTransaction(): number {
    return Math.min(this.options.maxPerTransaction ?? 50, SUBXID_CACHE);
  }

  /**
   * Hands a partition's chunk to its topic's group commit (ADR 0014): the chunks that the other
   * partitions of the same fetch hand in at the same time — kafkajs gives a fetch's partition
   * batches to its workers together, and fetches again only when all are done — or while the
   * previous transaction of the topic runs, are handled in ONE transaction, in the order they came
   * (each partition's in its own order). Resolves with how many of the chunk's messages, from the
   * first, are done, and whether the next one failed (to be retried alone) rather than was left for
   * the next transaction.
   */
  private deliverWithOthers(dataSource: DataSource, part: Omit<Part, 'since'>): Promise<PartOutcome> {
    let committer = this.together.get(part.topic);
    if (!committer) {
      // deliverTogether opens its own transaction and answers for every part, failed ones included
      committer = new GroupCommitter<Part, PartOutcome>(dataSource, (_em, parts) => this.deliverTogether(dataSource, parts), { transaction: false, concurrency: 1, gather: true });
      this.together.set(part.topic, committer);
    }
    return committer.run({ ...part, since: process.hrtime.bigint() });
  }

  /**
   * Handles the parts' messages, part after part and each part's in order, in one transaction; tells
   * each part how many of its messages, from the first, are done (committed, or rejected and sent to
   * the rejected topic). A part stops at its first message whose handler fails otherwise than by
   * RejectMessage (the others go on); if the transaction itself fails, none is done. Once
   * SUBXID_CACHE savepoints are open, the rest is left for the topic's next transaction.
   */
  private async deliverTogether(dataSource: DataSource, parts: readonly Part[]): Promise<Array<Outcome<PartOutcome>>> {
    const runner = dataSource.createQueryRunner();
    const outcomes = parts.map(() => ({ done: 0, failed: false, working: 0, rejected: [] as Array<[KafkaMessage, RejectMessage]> }));
    let client: RawClient | undefined;
    let scope: BatchScope | undefined;
    try {
      client = (await runner.connect()) as RawClient; // TypeORM's postgres driver: the pg client
      // BEGIN is sent with the first message's inbox row (processOnce), COMMIT only if it was
      scope = openBatchScope(dataSource, runner.manager, client);
      for (const [k, part] of parts.entries()) {
        const out = outcomes[k];
        for (const message of part.chunk) {
          if (!part.running() || scope.savepoints >= SUBXID_CACHE) break;
          const working = scope.working;
          const outcome = await this.handleOnce(part.handler, part.topic, part.partition, message, scope);
          if (outcome !== 'ok' && !(outcome instanceof RejectMessage)) {
            out.failed = true; // retried alone by the part's caller
            break;
          }
          if (outcome instanceof RejectMessage) out.rejected.push([message, outcome]);
          out.working += scope.working - working;
          out.done++;
        }
      }
      if (!scope.begun && [...scope.deferred.values()].some((d) => !d.withInbox)) {
        throw new Error('work was deferred to the batch end outside processOnce');
      }
      await flushDeferred(scope); // (inbox rows set aside by processOnceAtBatchEnd begin the transaction if needed)
      if (scope.begun) {
        // a transaction that an error aborted answers COMMIT with ROLLBACK, and no error
        const result = (await client.query('COMMIT')) as { command?: string };
        if (result.command !== 'COMMIT') throw new Error(`the batch transaction ended with ${result.command ?? 'no'} instead of COMMIT`);
      }
      const now = process.hrtime.bigint();
      for (const [k, part] of parts.entries()) {
        const seconds = Number(now - part.since) / 1e9;
        for (let n = 0; n < outcomes[k].working; n++) batchSeconds.observe({ group: this.options.groupId }, seconds);
      }
    } catch (err) {
      await client?.query('ROLLBACK').catch(() => undefined); // (a warning only when none is open)
      this.options.log.error({ err, topic: parts[0].topic, partitions: parts.map((p) => p.partition) }, 'batch transaction failed; its messages are handled again one by one');
      return parts.map(() => ({ ok: true, value: { done: 0, failed: true } }));
    } finally {
      if (scope) closeBatchScope(scope);
      await runner.release();
    }
    const answers: Array<Outcome<PartOutcome>> = [];
    for (const [k, part] of parts.entries()) {
      const { done, failed, rejected } = outcomes[k];
      try {
        for (const [message, reason] of rejected) {
          await this.reject(part.topic, part.partition, message, reason);
          this.options.onMessage?.(part.topic, 'rejected');
        }
        answers.push({ ok: true, value: { done, failed } });
      } catch (error) {
        answers.push({ ok: false, error });
      }
    }
    return answers;
  }

  /**
   * One attempt of the handler, counted and timed: 'ok', the RejectMessage it threw, or the other
   * error it failed with (logged; the caller retries the message).
   */
  private async handleOnce(
    handler: MessageHandler,
    topic: string,
    partition: number,
    message: KafkaMessage,
    batch?: BatchScope,
  ): Promise<'ok' | RejectMessage | { failed: unknown }> {
    const stopTimer = handleSeconds.startTimer({ group: this.options.groupId });
    try {
      const result = await handler(parsePayload(message), new KafkaEventContext([topic, partition, message, batch, this.membership]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      stopTimer();
      handled.inc({ group: this.options.groupId, outcome: 'ok' });
      this.options.onMessage?.(topic, 'ok');
      return 'ok';
    } catch (err) {
      if (err instanceof RejectMessage) {
        handled.inc({ group: this.options.groupId, outcome: 'rejected' });
        return err;
      }
      handled.inc({ group: this.options.groupId, outcome: 'retry' });
      this.options.onMessage?.(topic, 'retry');
      this.options.log.error({ err, topic, partition, offset: message.offset }, 'handler failed; retrying the same message');
      return { failed: err };
    }
  }

  /** One message alone: retried with back-off until it is handled or rejected, or the partition is no longer ours. */
  private async deliver(
    handler: MessageHandler,
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    stillOurs: () => boolean,
  ): Promise<void> {
    let backoff = 200;
    for (;;) {
      const outcome = await this.handleOnce(handler, topic, partition, message);
      if (outcome === 'ok') return;
      if (outcome instanceof RejectMessage) {
        await this.reject(topic, partition, message, outcome);
        this.options.onMessage?.(topic, 'rejected');
        return;
      }
      if (this.closing || !stillOurs()) throw outcome.failed; // leave the offset unresolved: it is redelivered
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 10000);
      await heartbeat().catch(() => undefined);
    }
  }

  private async reject(topic: string, partition: number, message: KafkaMessage, err: RejectMessage): Promise<void> {
    const value = rejectedMessage(this.options.groupId, topic, partition, message, err.reason, err.details);
    this.options.log.warn({ topic, partition, offset: message.offset, reason: err.reason }, 'message rejected');
    await this.options.producer.send({
      topic: rejectedTopicFor(topic),
      acks: -1,
      messages: [{ key: message.key, value: JSON.stringify(value), headers: { reason: err.reason.slice(0, 200) } }],
    });
  }

  /** Graceful: the batches in hand finish, their offsets are committed, then the consumer leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.commitTimer);
    await Promise.allSettled([...this.inFlight]);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await this.commitResolved(consumer);
    await consumer.disconnect();
  }
}

/** The parsed JSON of a message, or its raw text when it is not JSON (handlers decide what that means). */
function parsePayload(message: KafkaMessage): unknown {
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

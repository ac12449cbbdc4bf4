import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { TOPICS } from '@chuishao/contracts';
import { WakeableSleep } from '@chuishao/platform';
import { BatchTransactions } from './batch-transaction';
import { classifyFailure, UNKNOWN_FAILURE_LIMIT, type Failure } from './failure';
import { GroupMembership } from './group-membership';
import { KafkaEventContext } from './kafka-event.context';
import { assignedPartitions, consumerConfig, handled, handleSeconds, joins, parkedKeys, parsePayload, retryingGauge, routeOf, type ConsumerHealth, type KafkaEventServerOptions, type Route } from './kafka-event.options';
import { setAsideForGood } from './permanent-failures';
import type { BatchScope } from './inbox';
import { OffsetCommits } from './offset-commits';
import { KeyLocks } from './key-locks';
import { ParkedReplays } from './parked-replays';
import { ParkingLot, parkingKey } from './parking';
import { prefixed } from './topics';

export { STAGE_BUCKETS } from './batch-transaction';
export type { Membership } from './group-membership';
export { PARK_PERMANENT_FAILURES, type ConsumerHealth, type KafkaEventServerOptions, type PermanentFailurePolicy } from './kafka-event.options';

/**
 * A @nestjs/microservices transport over kafkajs for our event topics and the departments' reply
 * topics. `@EventPattern('<topic>')` handlers receive the parsed JSON (or the raw text when it is
 * not JSON) and a KafkaEventContext; a pattern with `*` matches one topic-name segment.
 *
 * One way to consume: a handler applies its message through the inbox (processOnce and its
 * batch-end forms), in the batch's transaction when there is a DataSource (BatchTransactions).
 * Delivery is at least once: an offset is resolved only after its message is done, and committed
 * every `commitIntervalMs` and on close (OffsetCommits) — after a crash or a rebalance the
 * uncommitted tail is delivered again and the inbox turns it into no-ops.
 *
 * The failure policy lives here alone: a message that fails in a batch is handled alone, and a
 * failure alone is classified (failure.ts). Permanent → rejected or parked (the route's policy) and
 * the partition moves on; transient → retried with back-off, shown in {@link health}; unknown →
 * retried, and taken for permanent after {@link UNKNOWN_FAILURE_LIMIT} attempts while the database
 * answers. A message whose key has parked messages is parked behind them (order per whistle).
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private closing = false;
  private routes: Route[] = [];
  /** The batches being handled now (close() waits for them before it commits their offsets). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly offsets: OffsetCommits;
  private readonly membership: GroupMembership;
  /** The topics of the last join's assignment, for chuishao_consumer_assigned_partitions. */
  private assignedTopics = new Set<string>();
  private readonly batches?: BatchTransactions;
  private readonly parking?: ParkingLot;
  /** The parked keys, read at each join: a batch waits for it. */
  private parkingLoaded: Promise<void> = Promise.resolve();
  /** One replay, or one live message of a parked key, at a time per key. */
  private readonly keyLocks = new KeyLocks();
  private readonly retrying = new Map<string, { topic: string; partition: number; since: string; reason: string }>();
  /** Back-off sleeps: close() ends them all. */
  private readonly backoff = new WakeableSleep();
  private replays?: ParkedReplays;
  /** Why the consumer stopped for good, if it did. */
  private crashed?: string;

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
    this.offsets = new OffsetCommits({ intervalMs: options.commitIntervalMs ?? 1000, warn: options.log.warn });
    this.membership = new GroupMembership(options.log.warn);
    const ds = options.dataSource;
    if (ds) {
      this.batches = new BatchTransactions(ds, {
        groupId: options.groupId,
        maxPerTransaction: options.maxPerTransaction ?? 50,
        attempt: async (part, message, scope) => (await this.attempt(part.handler, part.topic, part.partition, message, scope)) === 'ok',
        error: options.log.error,
      });
      this.parking = new ParkingLot(ds, { consumer: options.groupId, service: options.service ?? options.groupId, stuckTopic: prefixed(options.topicPrefix, TOPICS.stuck) });
    }
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

  /** The consumer's failures now (for /health): retried partitions and their cause, parked keys. */
  health(): ConsumerHealth {
    const state = this.crashed ? 'crashed' : this.membership.current.generation === 0 ? 'joining' : 'running';
    return { group: this.options.groupId, state, ...(this.crashed ? { cause: this.crashed } : {}), retrying: [...this.retrying.values()], parked: this.parking?.size ?? 0 };
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topicPrefix } = this.options;
    for (const [pattern, handler] of this.getHandlers()) {
      if (this.options.only && !this.options.only(pattern)) continue;
      this.routes.push(routeOf(prefixed(topicPrefix, pattern), handler, this.parking !== undefined));
    }
    if (this.routes.length === 0) return;
    const consumer = kafka.consumer(consumerConfig(this.options));
    this.consumer = consumer;
    this.membership.watch(consumer, () => {
      joins.inc({ group: groupId });
      const counts = new Map(this.membership.assignedCounts());
      for (const topic of new Set([...counts.keys(), ...this.assignedTopics])) assignedPartitions.set({ group: groupId, topic }, counts.get(topic) ?? 0);
      this.assignedTopics = new Set(counts.keys());
      if (this.parking) this.parkingLoaded = this.parking.load().catch((err: unknown) => this.options.log.error({ err }, 'parked keys not read; retrying at the next batch'));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.routes.map((r) => r.topic), fromBeginning: true });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.restart ? undefined : `consumer crashed and will not restart: ${payload.error.message}`.slice(0, 300);
    });
    // Not awaited: run() returns once the group is joined, which after a crash of this member waits
    // for its old session to expire (30 s). HTTP serves meanwhile; /health says the consumer is
    // joining (degraded), and kafkajs retries a failed join on its own (its CRASH event, above).
    void consumer.run({
      // kafkajs would commit after every batch (one OffsetCommit request each); OffsetCommits
      // commits what was resolved every commitIntervalMs instead, and close() once more
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 16,
      eachBatch: (payload) => {
        if (this.closing) return Promise.resolve(); // nothing resolved: redelivered to the next owner
        const p = this.eachBatch(payload).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
        return p;
      },
    }).catch((err: unknown) => {
      this.crashed = `consumer did not start: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
      this.options.log.error({ err }, 'consumer did not start');
    });
    this.offsets.start(() => this.consumer);
    if (this.parking && this.routes.some((r) => r.policy === 'park')) {
      const lot = this.parking;
      this.replays = new ParkedReplays(lot, {
        consumer: groupId,
        pollMs: this.options.parkedPollMs ?? 2000,
        locks: this.keyLocks,
        owns: (topic, partition) => this.membership.owns(topic, partition),
        attempt: (topic, partition, message) => {
          const route = this.routeFor(topic);
          return route && this.attempt(route.handler, topic, partition, message);
        },
        onCleared: () => parkedKeys.set({ group: groupId }, lot.size),
        log: this.options.log,
      });
      this.replays.start();
    }
    this.options.log.info(`consumer ${groupId} subscribed to ${this.routes.map((r) => r.pattern).join(', ')}`);
  }

  private routeFor(topic: string): Route | undefined {
    return this.routes.find((r) => (typeof r.topic === 'string' ? r.topic === topic : r.topic.test(topic)));
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, uncommittedOffsets, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.parkingLoaded;
    const route = this.routeFor(batch.topic);
    const running = () => isRunning() && !isStale();
    const done = (message: KafkaMessage) => this.offsets.resolve(resolveOffset, uncommittedOffsets, batch.topic, batch.partition, message);
    const messages = batch.messages;
    let i = 0;
    while (i < messages.length && running()) {
      if (!route) {
        done(messages[i++]);
        continue;
      }
      let alone = 1; // messages from i to handle alone, each under the failure policy
      if (this.batches && !this.isParked(route, messages[i])) {
        let end = i;
        while (end < messages.length && end - i < this.batches.maxPerTransaction && !this.isParked(route, messages[end])) end++;
        const chunk = messages.slice(i, end);
        const outcome = await this.batches.deliver({ handler: route.handler, topic: batch.topic, partition: batch.partition, chunk, running });
        for (let k = 0; k < outcome.done; k++) done(chunk[k]);
        i += outcome.done;
        await heartbeat();
        if (!outcome.failed || !running()) continue;
        alone = outcome.alone ? chunk.length - outcome.done : 1;
      }
      for (const stop = Math.min(i + alone, messages.length); i < stop && running(); i++) {
        await this.deliverAlone(route, batch.topic, batch.partition, messages[i], heartbeat, running);
        done(messages[i]);
        await heartbeat();
      }
    }
  }

  private isParked(route: Route, message: KafkaMessage): boolean {
    return route.policy === 'park' && !!this.parking?.isParked(parkingKey(message));
  }

  /**
   * One attempt of the handler, counted and timed: 'ok', or the error it failed with (the caller
   * applies the failure policy).
   */
  private async attempt(handler: MessageHandler, topic: string, partition: number, message: KafkaMessage, batch?: BatchScope): Promise<'ok' | { error: unknown }> {
    const stopTimer = handleSeconds.startTimer({ group: this.options.groupId });
    try {
      const result = await handler(parsePayload(message), new KafkaEventContext([topic, partition, message, batch, this.membership.current]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      stopTimer();
      handled.inc({ group: this.options.groupId, outcome: 'ok' });
      this.options.onMessage?.(topic, 'ok');
      return 'ok';
    } catch (error) {
      return { error };
    }
  }

  /**
   * One message alone, under the failure policy: applied, or set aside (rejected or parked) for a
   * permanent failure, or retried with back-off while the failure is transient — until it is done,
   * or the partition is no longer ours (then it throws, and the offset stays unresolved: the next
   * owner gets the message again).
   */
  private async deliverAlone(route: Route, topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, stillOurs: () => boolean): Promise<void> {
    if (this.isParked(route, message)) {
      const key = parkingKey(message);
      const parkedBehind = await this.keyLocks.run(key, async () => {
        if (!this.parking?.isParked(key)) return false; // replayed meanwhile: it flows again
        await this.setAside(route, topic, partition, message, { kind: 'permanent', reason: `waiting behind the parked messages of ${key || 'its key'}` });
        return true;
      });
      if (parkedBehind) return;
    }
    const where = `${topic}\u0000${partition}`;
    let backoff = 200;
    let unknown = 0;
    try {
      for (;;) {
        const outcome = await this.attempt(route.handler, topic, partition, message);
        if (outcome === 'ok') return;
        let failure = classifyFailure(outcome.error);
        if (failure.kind === 'unknown' && ++unknown >= UNKNOWN_FAILURE_LIMIT && (await this.databaseAnswers())) {
          failure = { kind: 'permanent', reason: `${failure.reason} (${unknown} attempts)` };
        }
        if (failure.kind === 'permanent') {
          const setAside = await this.setAside(route, topic, partition, message, failure).then(
            () => true,
            (err: unknown) => ((failure = classifyFailure(err)), false),
          );
          if (setAside) return;
        }
        handled.inc({ group: this.options.groupId, outcome: 'retry' });
        this.options.onMessage?.(topic, 'retry');
        this.options.log.error(
          { err: failure.kind === 'unknown' ? outcome.error : undefined, topic, partition, offset: message.offset, failure: failure.kind, reason: failure.reason },
          'message not applied; retrying it with back-off',
        );
        if (!this.retrying.has(where)) this.retrying.set(where, { topic, partition, since: new Date().toISOString(), reason: failure.reason });
        retryingGauge.set({ group: this.options.groupId }, this.retrying.size);
        if (this.closing || !stillOurs()) throw outcome.error;
        await this.backoff.sleep(backoff);
        backoff = Math.min(backoff * 2, 10000);
        await heartbeat().catch(() => undefined);
      }
    } finally {
      if (this.retrying.delete(where)) retryingGauge.set({ group: this.options.groupId }, this.retrying.size);
    }
  }

  /** A permanent failure: the message goes to its rejected topic or is parked, by the route's policy. */
  private setAside(route: Route, topic: string, partition: number, message: KafkaMessage, failure: Failure): Promise<void> {
    return setAsideForGood(route.policy === 'park' ? this.parking : undefined, this.options, topic, partition, message, failure);
  }

  /** Whether the database answers a probe (an `unknown` failure that persists while it does is the message's). */
  private async databaseAnswers(): Promise<boolean> {
    const ds = this.options.dataSource;
    if (!ds) return true;
    return ds.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /** Graceful: the batches in hand finish, their offsets are committed, then the consumer leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    this.offsets.stop();
    this.backoff.wake();
    await Promise.allSettled([...this.inFlight, this.replays?.stop()]);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await this.offsets.commit(consumer);
    await consumer.disconnect();
  }
}

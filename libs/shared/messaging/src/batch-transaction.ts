import type { MessageHandler } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { GroupCommitter, type Outcome } from '@chuishao/postgres';
import { histogram, tuned } from '@chuishao/platform';
import { flushDeferred, openBatchScope, type BatchScope, type RawClient } from './inbox';

/** Histogram buckets (seconds) for one stage of a message's way: a handler, a batch, a relay step. */
export const STAGE_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1];

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

/** Switched off only to be measured side by side (platform's tuning.ts). */
const [batches, sharedTransaction] = [tuned('consumer-batches'), tuned('shared-transaction')];

/** A partition's chunk of messages for its topic's next batch transaction. */
export interface Part {
  handler: MessageHandler;
  topic: string;
  partition: number;
  chunk: KafkaMessage[];
  running: () => boolean;
  /** When it was handed in: its batch time counts from there. */
  since: bigint;
}

/**
 * How many of a part's messages, from the first, are done, and whether the one after them failed;
 * `alone`: the transaction itself failed, so every message of the chunk is to be handled alone.
 */
export interface PartOutcome {
  done: number;
  failed: boolean;
  alone?: true;
}

/** One attempt of a handler on a message inside the batch (the server counts, times and logs it). */
export type AttemptInBatch = (part: Part, message: KafkaMessage, scope: BatchScope) => Promise<boolean>;

/**
 * Batch transactions (group commit, ADR 0005 and 0014): the chunks that the partitions of one
 * topic hand in at the same time — kafkajs gives a fetch's partition batches to its workers
 * together — or while the topic's previous transaction runs, are handled in ONE transaction, each
 * message's processOnce under a savepoint of it. A part stops at its first message that fails (the
 * caller handles that one alone, under the failure policy); if the transaction itself fails, no
 * message is done and the caller handles the whole chunk alone, one by one.
 */
export class BatchTransactions {
  private readonly byTopic = new Map<string, GroupCommitter<Part, PartOutcome>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly o: { groupId: string; maxPerTransaction: number; attempt: AttemptInBatch; error: (obj: object, msg: string) => void },
  ) {}

  get maxPerTransaction(): number {
    return batches ? Math.min(this.o.maxPerTransaction, SUBXID_CACHE) : 1;
  }

  deliver(part: Omit<Part, 'since'>): Promise<PartOutcome> {
    let committer = this.byTopic.get(part.topic);
    if (!committer) {
      // run() opens its own transaction and answers for every part, failed ones included
      // without a shared transaction, or without batches (measured side by side only): each chunk its own, at once
      const shared = sharedTransaction && batches ? { concurrency: 1, gather: true } : { maxBatch: 1, concurrency: 16 };
      committer = new GroupCommitter<Part, PartOutcome>(this.dataSource, (_em, parts) => this.run(parts), { transaction: false, ...shared });
      this.byTopic.set(part.topic, committer);
    }
    return committer.run({ ...part, since: process.hrtime.bigint() });
  }

  private async run(parts: readonly Part[]): Promise<Array<Outcome<PartOutcome>>> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes = parts.map(() => ({ done: 0, failed: false, working: 0 }));
    let client: RawClient | undefined;
    let scope: BatchScope | undefined;
    try {
      client = (await runner.connect()) as RawClient; // TypeORM's postgres driver: the pg client
      // BEGIN is sent with the first message's inbox row (processOnce), COMMIT only if it was
      scope = openBatchScope(this.dataSource, runner.manager, client);
      for (const [k, part] of parts.entries()) {
        const out = outcomes[k];
        for (const message of part.chunk) {
          if (!part.running() || scope.savepoints >= SUBXID_CACHE) break;
          const working = scope.working;
          if (!(await this.o.attempt(part, message, scope))) {
            out.failed = true;
            break;
          }
          out.working += scope.working - working;
          out.done++;
        }
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
        for (let n = 0; n < outcomes[k].working; n++) batchSeconds.observe({ group: this.o.groupId }, seconds);
      }
    } catch (err) {
      await client?.query('ROLLBACK').catch(() => undefined); // (a warning only when none is open)
      this.o.error({ err, topic: parts[0].topic, partitions: parts.map((p) => p.partition) }, 'batch transaction failed; its messages are handled again one by one');
      return parts.map(() => ({ ok: true, value: { done: 0, failed: true, alone: true } }));
    } finally {
      await runner.release();
    }
    return outcomes.map(({ done, failed }) => ({ ok: true, value: { done, failed } }));
  }
}

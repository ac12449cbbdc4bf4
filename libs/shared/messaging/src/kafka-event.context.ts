import { BaseRpcContext } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { NOT_KNOWN, type Membership } from './group-membership';
import type { BatchScope, InBatch } from './inbox';

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

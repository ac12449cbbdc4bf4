import type { KafkaMessage } from 'kafkajs';

/**
 * Thrown by a handler when a message can never be applied (malformed, out of order, not allowed):
 * the consumer moves it to the rejected topic with the reason and goes on with the next message.
 * Any other error is treated as transient and the same message is retried.
 */
export class RejectMessage extends Error {
  override readonly name = 'RejectMessage';
  constructor(
    readonly reason: string,
    readonly details?: unknown,
  ) {
    super(reason);
  }
}

export const rejectedTopicFor = (topic: string): string => `${topic}.rejected`;

/** The value written to a rejected topic: the original message untouched, and why it was refused. */
export interface RejectedMessage {
  reason: string;
  details?: unknown;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  original: string | null;
  rejectedAt: string;
}

export function rejectedMessage(
  consumer: string,
  topic: string,
  partition: number,
  message: KafkaMessage,
  reason: string,
  details?: unknown,
): RejectedMessage {
  return {
    reason,
    details,
    consumer,
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    original: message.value ? message.value.toString('utf8') : null,
    rejectedAt: new Date().toISOString(),
  };
}

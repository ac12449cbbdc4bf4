import { Kafka, logLevel, type LogEntry, type Producer } from 'kafkajs';
import './kafkajs-idle-loop';

export interface KafkaLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A kafkajs client whose own log lines go to our structured logger. */
export function createKafka(clientId: string, brokers: string[], log: KafkaLog): Kafka {
  // We use kafkajs' default (Java-compatible murmur2) partitioner everywhere; no legacy warning.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        const obj = { kafka: rest };
        if (level === logLevel.ERROR) log.error(obj, message);
        else if (level === logLevel.WARN) log.warn(obj, message);
        else log.info(obj, message);
      },
  });
}

/**
 * One send at a time on an idempotent producer. kafkajs 2.2.4 numbers a batch when it builds the
 * request, so two sends that overlap on one partition can reach the broker in the other order,
 * which refuses the second with OUT_OF_ORDER_SEQUENCE_NUMBER (tulios/kafkajs#598). A service's
 * producer is shared by its outbox relay, its consumers' rejected messages and, in tests, the test
 * itself: each send now waits for the one before it. Returns the same producer.
 */
export function oneSendAtATime(producer: Producer): Producer {
  let last: Promise<unknown> = Promise.resolve();
  const queued = <T>(send: () => Promise<T>): Promise<T> => {
    const next = last.then(send, send);
    last = next.catch(() => undefined);
    return next;
  };
  const send = producer.send.bind(producer);
  const sendBatch = producer.sendBatch.bind(producer);
  producer.send = (record) => queued(() => send(record));
  producer.sendBatch = (batch) => queued(() => sendBatch(batch));
  return producer;
}

export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

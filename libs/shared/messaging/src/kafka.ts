import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type Producer } from 'kafkajs';
import type { KafkaClientConfig } from '@chuishao/platform';
import './kafkajs-idle-loop';

/** Where and how a client connects: brokers, SASL/SCRAM and TLS (see {@link kafkaConnection}). */
export type KafkaConnection = Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> & { brokers: string[] };

/**
 * The connection a validated {@link KafkaClientConfig} describes: SASL/SCRAM with its credentials
 * when given (SASL_SSL with KAFKA_TLS, SASL_PLAINTEXT without), TLS with the CA file when given.
 * Every Chuishao client connects through this (ADR 0021).
 */
export function kafkaConnection(c: Pick<KafkaClientConfig, 'KAFKA_BROKERS' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_TLS' | 'KAFKA_TLS_CA_FILE'>): KafkaConnection {
  const ssl = c.KAFKA_TLS ? (c.KAFKA_TLS_CA_FILE ? { ca: [readFileSync(c.KAFKA_TLS_CA_FILE, 'utf8')] } : true) : false;
  if (c.KAFKA_SASL_USERNAME === undefined || c.KAFKA_SASL_PASSWORD === undefined) return { brokers: c.KAFKA_BROKERS, ssl };
  const credentials = { username: c.KAFKA_SASL_USERNAME, password: c.KAFKA_SASL_PASSWORD };
  const sasl = c.KAFKA_SASL_MECHANISM === 'scram-sha-256' ? { mechanism: 'scram-sha-256' as const, ...credentials } : { mechanism: 'scram-sha-512' as const, ...credentials };
  return { brokers: c.KAFKA_BROKERS, ssl, sasl };
}

export interface KafkaLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A kafkajs client whose own log lines go to our structured logger. */
export function createKafka(clientId: string, connection: KafkaConnection, log: KafkaLog): Kafka {
  // We use kafkajs' default (Java-compatible murmur2) partitioner everywhere; no legacy warning.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({
    clientId,
    ...connection,
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

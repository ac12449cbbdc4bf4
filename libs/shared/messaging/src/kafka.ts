import { Kafka, logLevel, type LogEntry } from 'kafkajs';
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

export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

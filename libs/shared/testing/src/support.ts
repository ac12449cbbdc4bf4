import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { KafkaClientConfig, loadConfig } from '@chuishao/platform';
import { kafkaConnection, type KafkaConnection } from '@chuishao/messaging';

/** A database of its own for one test file, dropped afterwards. */
export async function freshDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`.slice(0, 60);
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Topic prefix unique to a test file, so that files sharing one broker never share topics. */
export function testTopicPrefix(label: string): string {
  return `${process.env.CHUISHAO_TEST_RUN ?? 't'}-${label}-${randomBytes(3).toString('hex')}`;
}

/**
 * Deletes the topics of a test's prefix once it is done. Every partition keeps files open on the
 * broker, and a broker that kept every test run's topics died of "Too many open files".
 */
export async function deleteTestTopics(prefix: string): Promise<void> {
  const admin = testKafka('test-topic-cleanup').admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30000 });
  } catch {
    // best effort: a broker that is down keeps them
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function kafkaBrokers(): string {
  return process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
}

/**
 * How the tests connect to Kafka: KAFKA_BROKERS and, on a secured broker, the KAFKA_SASL_* / KAFKA_TLS*
 * of the environment — the local runner's `chuishao-admin` when global-setup started it (ADR 0021).
 * Tests on prefixed topics run as that admin unless they test the ACLs.
 */
export function testKafkaConfig(): KafkaClientConfig {
  return loadConfig(KafkaClientConfig, { ...process.env, KAFKA_BROKERS: kafkaBrokers() });
}

/** {@link testKafkaConfig} as a kafkajs connection (for createKafka). */
export function testKafkaConnection(): KafkaConnection {
  return kafkaConnection(testKafkaConfig());
}

/** A kafkajs client of the tests, silent, connected as {@link testKafkaConnection}. */
export function testKafka(clientId: string, connection: KafkaConnection = testKafkaConnection()): Kafka {
  return new Kafka({ clientId, ...connection, logLevel: logLevel.NOTHING });
}

/** A logger that drops everything (the messaging classes' `log` option in tests). */
export const silentLog = { info: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
/** The feedback links' secret of the test stacks: not the JWT secret (contract §14). */
export const TEST_FEEDBACK_SECRET = 'test-feedback-secret-test-feedback-secret-0123';

/** Polls until `probe` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15000, everyMs = 50): Promise<T> {
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`eventually: gave up after ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A whistle-event envelope as the services put them on chuishao.whistle.events (first position of its stream). */
export function whistleEnvelope<D>(type: string, whistleId: string, data: D, opts: { occurredAt?: string; source?: string } = {}) {
  const source = opts.source ?? 'test';
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    source,
    streamId: `whistle-${whistleId}`,
    streamPosition: 1,
    whistleId,
    occurredAt: opts.occurredAt ?? new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    actor: { role: 'system', org: null, sub: source },
    data,
  };
}

/**
 * The data of a WhistleBlown as intake publishes it (contract §2), for tests: no requested
 * departments, no hints, no attachments; the address is its own normalised form unless given.
 */
export function whistleBlownData(o: {
  whistleId: string;
  streetId: string;
  situationCode: string;
  area: string;
  title?: string;
  address: string;
  normalisedAddress?: string;
  lat?: number | null;
  lng?: number | null;
}) {
  return {
    whistleId: o.whistleId,
    streetId: o.streetId,
    situationCode: o.situationCode,
    area: o.area,
    title: o.title ?? '测试哨件',
    description: '',
    location: { address: o.address, normalisedAddress: o.normalisedAddress ?? o.address, communityId: null, lat: o.lat ?? null, lng: o.lng ?? null },
    requestedDepartments: [] as string[],
    hints: { lifeSafety: false, householdsAffected: null },
    attachments: [] as never[],
    channel: 'api' as const,
  };
}

/**
 * The parsed body of an HTTP answer or a bus message, as the tests read it: deliberately untyped
 * (the one `any` of the test kits), because a test reads whatever came back — a view, a list, a
 * problem — and its assertions are the type check.
 */
export type TestJson = any;

/** `text` parsed as JSON, or undefined when it is not JSON. */
export function parseTestJson(text: string): TestJson {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

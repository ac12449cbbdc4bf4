import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { signDevToken, type Role } from '@chuishao/auth';
import { Messaging, type KafkaEventServer } from '@chuishao/messaging';
import { createTestApp } from '@chuishao/platform';
import { eventServers, ServiceConfig, ServiceKitModule, type ServiceKitOptions } from '@chuishao/service-kit';
import { deleteTestTopics, freshDatabase, parseTestJson, testKafkaConfig, TEST_JWT_SECRET, testTopicPrefix, type TestJson } from './support';

export interface ServiceUnderTest {
  app: NestFastifyApplication;
  dataSource: DataSource;
  messaging: Messaging;
  /** The service's Kafka consumers (empty with `consume: false`). */
  servers: KafkaEventServer[];
  config: ServiceConfig;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  token(role: Role, org?: string, sub?: string): Promise<string>;
  /** fastify inject: no network, real filters, pipes and guards. */
  inject(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; payload?: string }): Promise<{ status: number; json: TestJson; body: string; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * One service in-process for an integration test: its real module (migrations on a fresh
 * database, topics under a fresh prefix on the real broker, outbox relay, Kafka consumer), with
 * the platform's error handling. Pass `shared` to put several services on one database/prefix.
 */
export async function startServiceForTest(
  service: Omit<ServiceKitOptions, 'config'>,
  opts: { label: string; shared?: { db: Awaited<ReturnType<typeof freshDatabase>>; prefix: string }; consume?: boolean; env?: Partial<ServiceConfig> } = { label: 'svc' },
): Promise<ServiceUnderTest> {
  const db = opts.shared?.db ?? (await freshDatabase(opts.label));
  const config = Object.assign(new ServiceConfig(), {
    ...testKafkaConfig(),
    DATABASE_URL: db.url,
    KAFKA_PARTITIONS: 3,
    PORT: 0,
    CHUISHAO_JWT_SECRET: TEST_JWT_SECRET,
    CHUISHAO_TOPIC_PREFIX: opts.shared?.prefix ?? testTopicPrefix(opts.label),
    LOG_LEVEL: 'warn',
    ...(opts.env ?? {}),
  }) as ServiceConfig;
  const moduleRef = await Test.createTestingModule({ imports: [ServiceKitModule.forRoot({ ...service, config })] }).compile();
  const app = await createTestApp(moduleRef, { service: service.service });
  const messaging = app.get(Messaging);
  const servers = opts.consume !== false ? eventServers(messaging, service) : [];
  for (const strategy of servers) app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  if (servers.length > 0) await app.startAllMicroservices();
  const dataSource = app.get(DataSource);
  return {
    app,
    dataSource,
    messaging,
    servers,
    config,
    db,
    token: (role, org, sub = `${role}-tester`) => signDevToken({ sub, role, org }, TEST_JWT_SECRET, 3600),
    async inject(method, url, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(o.payload !== undefined ? { payload: o.payload } : o.body !== undefined ? { payload: o.body as object } : {}),
      });
      return { status: res.statusCode, json: parseTestJson(res.body), body: res.body, headers: res.headers };
    },
    async stop() {
      await app.close();
      if (!opts.shared) {
        await db.drop().catch(() => undefined);
        await deleteTestTopics(config.CHUISHAO_TOPIC_PREFIX);
      }
    },
  };
}

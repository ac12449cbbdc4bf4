import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import { DatabaseModule, EventStoreMigration1732500000000, OutboxWakeMigration1732500000001, type EventStoreOptions } from '@chuishao/event-store';
import { kafkaConnection, Messaging, MessagingModule, OUTBOX_WAKE_OPTION, ParkedMigration1732500000002, type ConsumerFetch, type KafkaEventServer, type TopicSpec } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import { AuthModule } from '@chuishao/auth';
import { PlatformModule, postgresHealthCheck, type HealthCheck } from '@chuishao/platform';
import type { ServiceConfig } from './service-config';

export interface ServiceKitOptions {
  service: 'intake' | 'triage' | 'dispatch' | 'assessment';
  config: ServiceConfig;
  /** The service's own migrations; the event store's come first automatically. */
  migrations: Array<new () => MigrationInterface>;
  /** Topics by their contract names (the prefix is applied here). */
  topics: (partitions: number) => Array<Omit<TopicSpec, 'name'> & { name: string }>;
  eventStore?: EventStoreOptions;
  feature: Type<unknown> | DynamicModule;
  /** How the service's consumer fetches: a projection off the critical path gathers bigger batches (ADR 0010). */
  fetch?: ConsumerFetch;
  /**
   * The service's Kafka consumers, each its own consumer group `chuishao-<service>-<purpose>`
   * taking the @EventPattern handlers its `only` picks (by their pattern as written). Default: one,
   * `events`, with every handler. A consumer's fetch names all its partitions, so topics with
   * many partitions that are not on the whistle's path get a consumer of their own (ADR 0016).
   */
  consumers?: ConsumerSpec[];
}

export interface ConsumerSpec {
  purpose: string;
  only?: (pattern: string) => boolean;
}

/** Every migration of a service's schema, in order: the event store's and the parking lot's, then its own. */
export function serviceMigrations(own: Array<new () => MigrationInterface>): Array<new () => MigrationInterface> {
  return [EventStoreMigration1732500000000, OutboxWakeMigration1732500000001, ParkedMigration1732500000002, ...own];
}

/** The topics a service creates at start (without the prefix): its own, and the stuck topic every service may park to (contract §10). */
export function declaredTopics(o: Pick<ServiceKitOptions, 'topics'>, partitions: number): TopicSpec[] {
  return [...o.topics(partitions), { name: TOPICS.stuck, partitions: 1, retention: 'forever' as const }];
}

/** The service's consumers (see {@link ServiceKitOptions.consumers}), to connect with app.connectMicroservice. */
export function eventServers(messaging: Messaging, o: Pick<ServiceKitOptions, 'consumers'>): KafkaEventServer[] {
  return (o.consumers ?? [{ purpose: 'events' }]).map((c) => messaging.eventServer(c.purpose, { only: c.only }));
}

/**
 * One way to assemble a service: its schema and migrations, event store, Kafka (topics as code,
 * idempotent producer, outbox relay), JWT auth, /health and /metrics, then its feature module.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(o: ServiceKitOptions): DynamicModule {
    const prefix = o.config.CHUISHAO_TOPIC_PREFIX;
    const topics = declaredTopics(o, o.config.KAFKA_PARTITIONS).map((t) => ({ ...t, name: prefix ? `${prefix}.${t.name}` : t.name }));
    return {
      module: ServiceKitModule,
      imports: [
        DatabaseModule.forRoot({
          url: o.config.DATABASE_URL,
          schema: o.service,
          migrations: serviceMigrations(o.migrations),
          // the service's commits wake its relay in-process; its outbox trigger need not NOTIFY (ADR 0013)
          sessionOptions: OUTBOX_WAKE_OPTION,
          eventStore: o.eventStore,
        }),
        MessagingModule.forRoot({
          service: o.service,
          connection: kafkaConnection(o.config),
          topicPrefix: prefix,
          databaseUrl: o.config.DATABASE_URL,
          schema: o.service,
          topics,
          fetch: o.fetch,
          inboxRetentionDays: o.config.CHUISHAO_INBOX_RETENTION_DAYS,
        }),
        AuthModule.forRoot({
          secret: o.config.CHUISHAO_JWT_SECRET,
          jwksUrl: o.config.CHUISHAO_JWKS_URL,
          issuer: o.config.CHUISHAO_JWT_ISSUER,
          audience: o.config.CHUISHAO_JWT_AUDIENCE,
          clockToleranceSeconds: o.config.CHUISHAO_JWT_CLOCK_TOLERANCE_S,
        }),
        PlatformModule.forRoot({
          inject: [DataSource, Messaging],
          healthChecks: ((ds: DataSource, m: Messaging): HealthCheck[] => [
            postgresHealthCheck(ds),
            { name: 'kafka', check: () => m.healthCheck() },
            { name: 'consumers', check: async () => consumersDegraded(m) },
          ]) as never,
        }),
        o.feature,
      ],
    };
  }
}

/**
 * The consumers' check: down when a consumer crashed for good; degraded (not down) while one is
 * still joining its group at start, or retries a message after a transient failure, with the cause
 * (contract §10); parked keys are counted, not a degradation (each whistle shows its own).
 */
function consumersDegraded(m: Messaging): { degraded: string } | undefined {
  const all = m.consumersHealth();
  const crashed = all.filter((c) => c.state === 'crashed');
  if (crashed.length > 0) throw new Error(crashed.map((c) => `${c.group}: ${c.cause}`).join('; '));
  const causes = [
    ...all.filter((c) => c.state === 'joining').map((c) => `${c.group} joining its group`),
    ...all.flatMap((c) => c.retrying.map((r) => `${c.group} ${r.topic}[${r.partition}] since ${r.since}: ${r.reason}`)),
  ];
  return causes.length > 0 ? { degraded: causes.join('; ').slice(0, 300) } : undefined;
}

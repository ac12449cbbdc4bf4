import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
  Logger,
  Optional,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { counter, histogram } from '@chuishao/platform';
import { createKafka, oneSendAtATime, type KafkaConnection } from './kafka';
import { InboxPruner } from './inbox-pruner';
import { OutboxRelay } from './outbox-relay';
import { ensureTopics, type TopicSpec } from './topics';
import { type ConsumerFetch } from './kafka-event.context';
import { KafkaEventServer, STAGE_BUCKETS, type ConsumerHealth } from './kafka-event.server';

const outboxPublished = counter(
  'chuishao_outbox_published_total',
  'Outbox rows published to Kafka, by source: commit (handed over by the process that committed them, not read back: ADR 0019) or outbox (read from the table)',
  ['service', 'source'],
);
const outboxVacuum = histogram('chuishao_outbox_vacuum_seconds', "The outbox relay's own VACUUMs of its outbox (ADR 0015)", ['service']);
const relaySeconds = histogram(
  'chuishao_outbox_relay_seconds',
  "Each batch the outbox relay published, by step: read (for a batch read from the outbox, its one statement: the previous batch's DELETE and this batch's SELECT) and publish (the produce until Kafka acknowledged it)",
  ['service', 'step'],
  STAGE_BUCKETS,
);

export interface MessagingOptions {
  service: string;
  /** Brokers, SASL and TLS (kafkaConnection of the service's config). */
  connection: KafkaConnection;
  topicPrefix: string;
  databaseUrl: string;
  schema: string;
  /** Topics this service owns or needs; created at start-up if missing. */
  topics: TopicSpec[];
  /** Run the outbox relay (false for tools that only consume). */
  relay?: boolean;
  /** How the service's consumer fetches (default: at the first message). */
  fetch?: ConsumerFetch;
  /** Inbox rows older than this are pruned (see InboxPruner); default 30. */
  inboxRetentionDays?: number;
}

const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** kafkajs client, idempotent producer, admin, topic creation and the outbox relay of one service. */
@Injectable()
export class Messaging implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Messaging');
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly admin: Admin;
  private relay?: OutboxRelay;
  private pruner?: InboxPruner;
  private servers: KafkaEventServer[] = [];
  published = 0;

  constructor(
    @Inject(MESSAGING_OPTIONS) readonly options: MessagingOptions,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
  ) {
    const pinoLike = {
      info: (o: object, m: string) => this.log.log({ ...o, msg: m }),
      warn: (o: object, m: string) => this.log.warn({ ...o, msg: m }),
      error: (o: object, m: string) => this.log.error({ ...o, msg: m }),
    };
    this.kafka = createKafka(`chuishao-${options.service}`, options.connection, pinoLike);
    // Idempotent producer (acks=all, one request in flight keeps per-partition order), retrying
    // without limit: during a broker restart the relay waits rather than drops anything. Its sends
    // go one at a time (oneSendAtATime).
    this.producer = oneSendAtATime(
      this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 3000 },
      }),
    );
    this.admin = this.kafka.admin();
  }

  topic(name: string): string {
    return this.options.topicPrefix ? `${this.options.topicPrefix}.${name}` : name;
  }

  async onModuleInit(): Promise<void> {
    await this.admin.connect();
    const created = await ensureTopics(this.admin, this.options.topics);
    if (created.length) this.log.log(`created topics: ${created.join(', ')}`);
    await this.producer.connect();
    if (this.options.relay !== false) {
      this.relay = new OutboxRelay({
        databaseUrl: this.options.databaseUrl,
        schema: this.options.schema,
        producer: this.producer,
        onError: (err) => this.log.error({ err, msg: 'outbox relay error (will retry)' }),
        onVacuumed: (seconds) => outboxVacuum.observe({ service: this.options.service }, seconds),
        onDrained: ({ source, rows, readSeconds, publishSeconds }) => {
          this.published += rows;
          outboxPublished.inc({ service: this.options.service, source }, rows);
          if (source === 'outbox') relaySeconds.observe({ service: this.options.service, step: 'read' }, readSeconds);
          relaySeconds.observe({ service: this.options.service, step: 'publish' }, publishSeconds);
        },
      });
      await this.relay.start();
    }
    if (this.dataSource) {
      this.pruner = new InboxPruner(this.dataSource, { retentionDays: this.options.inboxRetentionDays ?? 30, error: (obj, msg) => this.log.error({ ...obj, msg }) });
      this.pruner.start();
    }
  }

  /**
   * A consumer for this service's @EventPattern handlers (connect it with app.connectMicroservice),
   * in the consumer group `chuishao-<service>-<purpose>`; `only` picks the handlers it takes (all by
   * default; see {@link consumerGroupId}).
   */
  eventServer(purpose = 'events', o: { only?: (pattern: string) => boolean } = {}): KafkaEventServer {
    const log = new Logger(`Kafka:${purpose}`);
    const server = new KafkaEventServer({
      kafka: this.kafka,
      groupId: this.consumerGroupId(purpose),
      service: this.options.service,
      producer: this.producer,
      topicPrefix: this.options.topicPrefix,
      only: o.only,
      fetch: this.options.fetch,
      dataSource: this.dataSource,
      log: {
        info: (m) => log.log(m),
        warn: (o, m) => log.warn({ ...o, msg: m }),
        error: (o, m) => log.error({ ...o, msg: m }),
      },
    });
    this.servers.push(server);
    return server;
  }

  /** The consumer group of this service's consumer for `purpose` (with the topic prefix). */
  consumerGroupId(purpose: string): string {
    return this.topic(`chuishao-${this.options.service}-${purpose}`);
  }

  async healthCheck(): Promise<void> {
    await this.admin.describeCluster();
  }

  /** The consumers' failures now: partitions retried after a transient failure (with the cause), parked keys. */
  consumersHealth(): ConsumerHealth[] {
    return this.servers.map((s) => s.health());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pruner?.stop();
    await this.relay?.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, Messaging],
      exports: [Messaging],
    };
  }
}

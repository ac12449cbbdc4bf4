import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { departmentTopics, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { Envelope } from '@chuishao/messaging';
import { parseTestJson, whistleEnvelope, type ServiceUnderTest } from '@chuishao/testing';
import type { LevelSla } from '@chuishao/dispatch-contracts';

export const catalog = defaultCatalog();
export const RED_SLA: LevelSla = { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' };

export function envelope<D>(type: string, whistleId: string, data: D, source = 'test'): Envelope<string, D> {
  return whistleEnvelope(type, whistleId, data, { source });
}

export async function publishWhistleEvent(svc: ServiceUnderTest, env: Envelope): Promise<void> {
  await svc.messaging.producer.send({
    topic: svc.messaging.topic(TOPICS.whistleEvents),
    acks: -1,
    messages: [{ key: env.whistleId, value: JSON.stringify(env) }],
  });
}

/** WhistleBlown + WhistleTriaged on the bus, as intake and triage would publish them. */
export async function blowAndTriage(
  svc: ServiceUnderTest,
  o: { situationCode?: string; level?: 'RED' | 'YELLOW' | 'BLUE'; sla?: LevelSla; requestedDepartments?: string[]; title?: string } = {},
): Promise<string> {
  const whistleId = randomUUID();
  const situationCode = o.situationCode ?? 'FIRE_LANE_BLOCKED';
  const situation = catalog.situation(situationCode)!;
  const street = catalog.streets[0];
  await publishWhistleEvent(
    svc,
    envelope('WhistleBlown', whistleId, {
      whistleId,
      streetId: street.id,
      situationCode,
      area: situation.area,
      title: o.title ?? '早餐车占用消防通道',
      description: '液化气罐停放在一楼窗外不足两米。',
      location: { address: '和平区劝业场街道福缘里 3 号', normalisedAddress: '和平区劝业场街道福缘里3号', communityId: null, lat: 39.12, lng: 117.2 },
      requestedDepartments: o.requestedDepartments ?? [],
      hints: { lifeSafety: false, householdsAffected: null },
      attachments: [],
      channel: 'api',
    }, 'intake'),
  );
  await publishWhistleEvent(
    svc,
    envelope('WhistleTriaged', whistleId, {
      whistleId,
      streetId: street.id,
      situationCode,
      area: situation.area,
      level: o.level ?? 'RED',
      policyVersion: 1,
      rules: [],
      sla: o.sla ?? RED_SLA,
      requestedDepartments: o.requestedDepartments ?? [],
    }, 'triage'),
  );
  return whistleId;
}

export interface AssignmentRow {
  id: string;
  department_id: string;
  role: 'LEAD' | 'ASSIST';
  status: string;
}

export async function assignmentsOf(svc: ServiceUnderTest, whistleId: string): Promise<AssignmentRow[]> {
  return svc.dataSource.query(`SELECT id, department_id, role, status FROM assignments WHERE whistle_id = $1 ORDER BY role DESC, summoned_at, id`, [whistleId]);
}

export async function eventTypes(svc: ServiceUnderTest, whistleId: string): Promise<string[]> {
  const rows: Array<{ type: string }> = await svc.dataSource.query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_position`, [`whistle-${whistleId}`]);
  return rows.map((r) => r.type);
}

export async function sendReply(svc: ServiceUnderTest, departmentId: string, value: string | object, key: string | null = null): Promise<void> {
  await svc.messaging.producer.send({
    topic: svc.messaging.topic(departmentTopics(departmentId).replies),
    acks: -1,
    messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }],
  });
}

/** Collects every message of some topics from the beginning (its own consumer group). */
export class TopicTap {
  readonly messages: Array<{ topic: string; key: string | null; value: string; headers: Record<string, string> }> = [];
  private consumer?: Consumer;

  constructor(private readonly svc: ServiceUnderTest) {}

  async start(topics: string[]): Promise<this> {
    this.consumer = this.svc.messaging.kafka.consumer({ groupId: `tap-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }: { topic: string; message: KafkaMessage }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        this.messages.push({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
      },
    });
    return this;
  }

  on(topic: string) {
    return this.messages.filter((m) => m.topic === topic).map((m) => ({ ...m, json: parseTestJson(m.value) }));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export const dept = (code: string) => catalog.departmentByCode(code)!.id;

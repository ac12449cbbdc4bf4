import { randomUUID } from 'node:crypto';
import { TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { Envelope } from '@chuishao/messaging';
import { eventually, type ServiceUnderTest } from '@chuishao/testing';

export const catalog = defaultCatalog();

export function whistleBody(n = 0, extra: Record<string, unknown> = {}) {
  return {
    situationCode: 'FIRE_LANE_BLOCKED',
    title: `早餐车占用消防通道 ${n}`,
    description: '福缘里小区两排楼之间的通道被早餐三轮车占用，液化气罐距一楼窗户不足两米。',
    location: { address: `和平区劝业场街道福缘里 ${n} 号`, lat: 39.1207, lng: 117.2008 },
    hints: { lifeSafety: false, householdsAffected: 10 },
    ...extra,
  };
}

export async function countEvents(svc: ServiceUnderTest): Promise<number> {
  const [{ n }] = await svc.dataSource.query(`SELECT count(*) AS n FROM events`);
  return Number(n);
}

export async function blow(svc: ServiceUnderTest, token: string, body: unknown = whistleBody(), key = randomUUID()) {
  const res = await svc.inject('POST', '/api/v1/whistles', { token, headers: { 'idempotency-key': key }, body });
  if (res.status !== 201) throw new Error(`blow: ${res.status} ${res.body}`);
  return res.json as { id: string; status: string; streetId: string };
}

/** Publishes an envelope on the whistle topic as another service would (dispatch, triage). */
export async function publishWhistleEvent(svc: ServiceUnderTest, whistleId: string, type: string, data: object, source = 'dispatch', actor: Envelope['actor'] = { role: 'system', org: null, sub: source }) {
  const env: Envelope = {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    source,
    streamId: `${source}-${whistleId}`,
    streamPosition: 1,
    whistleId,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    actor,
    data,
  };
  await svc.messaging.producer.send({ topic: svc.messaging.topic(TOPICS.whistleEvents), acks: -1, messages: [{ key: whistleId, value: JSON.stringify(env) }] });
  return env;
}

export async function publishPolicyEvent(svc: ServiceUnderTest, type: string, data: object) {
  const env: Envelope = {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    source: 'triage',
    streamId: 'triage-policy',
    streamPosition: 1,
    whistleId: null,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    actor: { role: 'command-center', org: null, sub: 'director' },
    data,
  };
  await svc.messaging.producer.send({ topic: svc.messaging.topic(TOPICS.policyEvents), acks: -1, messages: [{ key: 'triage-policy', value: JSON.stringify(env) }] });
  return env;
}

const hoursFromNow = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

/**
 * Drives a whistle to DISPATCHED (LEAD + ASSIST) by publishing dispatch's DepartmentsSummoned on
 * the whistle topic, as dispatch would; returns the assignment ids.
 */
export async function summon(svc: ServiceUnderTest, whistleId: string, lead = catalog.situation('FIRE_LANE_BLOCKED')!.leadDepartment, assist = catalog.departments.find((d) => d.id !== lead)!.id) {
  await settled(svc, whistleId); // as in life: dispatch summons after WhistleBlown is on the bus
  const leadId = randomUUID();
  const assistId = randomUUID();
  const deadlines = { reportBy: hoursFromNow(0.25), arriveBy: hoursFromNow(0.5), completeBy: hoursFromNow(24) };
  await publishWhistleEvent(svc, whistleId, 'DepartmentsSummoned', {
    whistleId,
    level: 'RED',
    summonedAt: new Date().toISOString(),
    assignments: [
      { assignmentId: leadId, departmentId: lead, role: 'LEAD', deadlines },
      { assignmentId: assistId, departmentId: assist, role: 'ASSIST', deadlines },
    ],
  });
  await waitForView(svc, whistleId, (v) => v.assignments.length >= 2);
  return { leadId, assistId, lead, assist };
}

/** Publishes dispatch's DepartmentCompleted for an assignment (LEAD → the whistle is COMPLETED). */
export async function complete(svc: ServiceUnderTest, whistleId: string, assignmentId: string, departmentId: string) {
  await publishWhistleEvent(svc, whistleId, 'DepartmentCompleted', {
    whistleId,
    assignmentId,
    departmentId,
    replyId: randomUUID(),
    at: null,
    receivedAt: new Date().toISOString(),
    by: null,
    note: null,
    channel: 'http',
    result: '通道已清理，早餐车已劝离',
  });
}

/** Waits until the projector has seen the bus copy of everything intake recorded for the whistle. */
export async function settled(svc: ServiceUnderTest, whistleId: string) {
  return waitForView(svc, whistleId, (v) => v.version >= 1 && !(v as { localEventIds?: string[] }).localEventIds?.length);
}

export async function waitForView(svc: ServiceUnderTest, whistleId: string, ok: (v: { status: string; assignments: unknown[]; version: number }) => boolean) {
  return eventually(async () => {
    const [row] = await svc.dataSource.query(`SELECT doc FROM whistle_view WHERE id = $1`, [whistleId]);
    return row && ok(row.doc) ? row.doc : undefined;
  });
}

/** A new Open311 key of `streetId`, issued as admin through POST /api/v1/open311-keys (contract §14). */
export async function issueOpen311Key(svc: ServiceUnderTest, streetId: string, extra: { label?: string; expiresAt?: string } = {}): Promise<{ id: string; key: string }> {
  const res = await svc.inject('POST', '/api/v1/open311-keys', { token: await svc.token('admin', undefined, 'admin-tester'), body: { streetId, ...extra } });
  if (res.status !== 201) throw new Error(`issue key: ${res.status} ${res.body}`);
  return res.json as { id: string; key: string };
}

/** A key of the right shape that was never issued. */
export const NEVER_ISSUED_KEY = `o311_${'A'.repeat(43)}`;

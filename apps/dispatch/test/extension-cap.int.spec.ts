import { randomUUID } from 'node:crypto';
import { TOPICS } from '@chuishao/contracts';
import type { Envelope } from '@chuishao/messaging';
import type { ScoringPolicyPublishedData } from '@chuishao/assessment-contracts';
import { summonsPeriod } from '@chuishao/dispatch-domain';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, dept } from './dispatch-test-kit';

const FIRE = dept('FIRE_RESCUE');
const TZ = process.env.CHUISHAO_TZ?.trim() || 'Asia/Shanghai';

/** The current quarter (`2026-Q4`) in the district's zone, and the next one. */
function quarters(): { current: string; next: string } {
  const [y, m] = summonsPeriod(new Date(), TZ).split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  return { current: `${y}-Q${q}`, next: q === 4 ? `${y + 1}-Q1` : `${y}-Q${q + 1}` };
}

/** A ScoringPolicyPublished as assessment puts it on chuishao.assessment.events (key `policy-assessment`); the fields dispatch does not read are v1's. */
function policyPublished(version: number, effectiveFrom: string, extensionCap: number): Envelope<'ScoringPolicyPublished', ScoringPolicyPublishedData> {
  return {
    eventId: randomUUID(),
    type: 'ScoringPolicyPublished',
    schemaVersion: 1,
    source: 'assessment',
    streamId: 'policy-assessment',
    streamPosition: version - 1,
    whistleId: null,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    actor: { role: 'assessment-office', org: null, sub: 'test' },
    data: {
      version,
      effectiveFrom,
      weights: { completion: '0.50', satisfaction: '0.20', perception: '0.30' },
      credits: { onTime: '1', late: '0.5', missed: '0' },
      feedbackScores: { SATISFIED: 100, BASICALLY_SATISFIED: 80, DISSATISFIED: 0 },
      grades: [
        { grade: 'EXCELLENT', min: '90', name: '优秀' },
        { grade: 'GOOD', min: '80', name: '良好' },
      ],
      otherwise: { grade: 'AVERAGE', name: '一般' },
      rounding: { mode: 'HALF_UP', decimals: 2 },
      minimumSample: 5,
      appealWindowDays: 10,
      extensionCap,
      annualShare: '0.30',
      annualFrom: 'QUARTERS',
    },
  };
}

/**
 * The extension cap of the scoring policy (contract §11/§12) on real PostgreSQL and Kafka: dispatch
 * reads ScoringPolicyPublished from chuishao.assessment.events and applies, to an assignment, the
 * version in force at the start of its summons' month — at the request and at the approval.
 */
describe('dispatch: the scoring policy caps extensions per assignment', () => {
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_extension_cap' });
  });
  afterAll(async () => {
    await svc.stop();
  });

  const publish = async (env: Envelope) =>
    svc.messaging.producer.send({ topic: svc.messaging.topic(TOPICS.assessmentEvents), acks: -1, messages: [{ key: env.streamId, value: JSON.stringify(env) }] });
  const lead = async (whistleId: string) =>
    (
      await eventually(async () => {
        const r = await assignmentsOf(svc, whistleId);
        return r.length ? r : undefined;
      })
    ).find((r) => r.role === 'LEAD')!;
  const hoursFromNow = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

  it('a version with extensionCap 1 effective from the current quarter: a second extension is refused (422 EXTENSION_CAP) at the approval and at the request, where the default 2 allowed it', async () => {
    const fire = await svc.token('department', FIRE);
    const cc = await svc.token('command-center');
    const ask = (assignmentId: string, until: string) =>
      svc.inject('POST', `/api/v1/assignments/${assignmentId}/extension`, { token: fire, body: { kind: 'COMPLETE', until, reason: '需等待燃气公司停气' } });
    const decide = (assignmentId: string, requestId: string) =>
      svc.inject('POST', `/api/v1/assignments/${assignmentId}/extension-decision`, { token: cc, body: { requestId, decision: 'APPROVE', reason: '情况属实' } });

    // no version known: the default, 2 — a second request is accepted
    expect((await svc.inject('GET', '/api/v1/assignments/extensions', { token: cc })).json.cap).toBe(2);
    const early = await lead(await blowAndTriage(svc, { requestedDepartments: [FIRE] }));
    const first = await ask(early.id, hoursFromNow(48));
    expect(first.status).toBe(200);
    expect((await decide(early.id, first.json.extension.requestId)).status).toBe(200);
    const second = await ask(early.id, hoursFromNow(72));
    expect(second.status).toBe(200);
    expect(second.json.extension.status).toBe('PENDING');

    // assessment's v2 (cap 1) from the current quarter — what the bus says, though assessment
    // itself only publishes periods not started yet — and v3 (cap 5) from the next quarter
    const { current, next } = quarters();
    const v2 = policyPublished(2, current, 1);
    await publish(v2);
    await publish(v2); // a redelivery: nothing more
    await publish(policyPublished(3, next, 5));
    const rows = await eventually(async () => {
      const r: Array<{ version: number; effective_from: string; extension_cap: number }> = await svc.dataSource.query(`SELECT version, effective_from, extension_cap FROM scoring_policy_caps ORDER BY version`);
      return r.length === 2 ? r : undefined;
    });
    expect(rows).toEqual([
      { version: 2, effective_from: current, extension_cap: 1 },
      { version: 3, effective_from: next, extension_cap: 5 },
    ]);
    expect(await svc.dataSource.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'dispatch-scoring-policy'`)).toEqual([{ n: 2 }]);

    // the queue shows the cap in force: 1 (v3 is not in force yet)
    const queue = await svc.inject('GET', '/api/v1/assignments/extensions?status=PENDING', { token: cc });
    expect(queue.json.cap).toBe(1);
    expect(queue.json.items.find((i: { requestId: string }) => i.requestId === second.json.extension.requestId)?.assignment).toMatchObject({ approvedExtensions: 1, cap: 1 });

    // at the approval: the assignment was summoned this month, so v2 applies to it too
    const refused = await decide(early.id, second.json.extension.requestId);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.json)).toContain('EXTENSION_CAP');

    // at the request: a new assignment, one extension approved, a second request refused
    const late = await lead(await blowAndTriage(svc, { requestedDepartments: [FIRE] }));
    const one = await ask(late.id, hoursFromNow(48));
    expect(one.status).toBe(200);
    expect((await decide(late.id, one.json.extension.requestId)).status).toBe(200);
    const two = await ask(late.id, hoursFromNow(72));
    expect(two.status).toBe(422);
    expect(JSON.stringify(two.json)).toContain('EXTENSION_CAP');
    const types: Array<{ type: string }> = await svc.dataSource.query(`SELECT type FROM events e JOIN assignments a ON e.stream_id = 'whistle-' || a.whistle_id WHERE a.id = $1 ORDER BY stream_position`, [late.id]);
    expect(types.map((t) => t.type)).toEqual(['DepartmentsSummoned', 'ExtensionRequested', 'ExtensionDecided']);
  });
});

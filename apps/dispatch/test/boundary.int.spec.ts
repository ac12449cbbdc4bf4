import { randomUUID } from 'node:crypto';
import { departmentTopics } from '@chuishao/contracts';
import { eventually, fuzzBoundary, fuzzRuns, startServiceForTest, type FuzzRoute, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, dept, eventTypes, sendReply, TopicTap } from './dispatch-test-kit';

const FIRE = dept('FIRE_RESCUE');
const URBAN = dept('URBAN_MANAGEMENT');

async function countEvents(svc: ServiceUnderTest): Promise<number> {
  const [{ n }] = await svc.dataSource.query(`SELECT count(*) AS n FROM events`);
  return Number(n);
}

/** Contract §10 at dispatch's boundaries: HTTP replies and dispute resolutions, and the reply topics. */
describe('dispatch: text rules and odd bodies at every POST route', () => {
  let svc: ServiceUnderTest;
  let tap: TopicTap;
  let fire: string;
  let center: string;

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_boundary' });
    tap = await new TopicTap(svc).start([svc.messaging.topic(departmentTopics(FIRE).rejected)]);
    fire = await svc.token('department', FIRE);
    center = await svc.token('command-center');
  });
  afterAll(async () => {
    await tap.stop();
    await svc.stop();
  });

  async function leadOf(): Promise<{ whistleId: string; lead: string }> {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE, URBAN] });
    const rows = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 2 ? r : undefined;
    });
    return { whistleId, lead: rows.find((r) => r.role === 'LEAD')!.id };
  }

  it('a DISPUTE whose note is five spaces, or holds U+0000, is refused over HTTP (422) and Kafka (rejected with the field named); nothing appended', async () => {
    const { whistleId, lead } = await leadOf();
    const before = await countEvents(svc);
    const spaces = await svc.inject('POST', `/api/v1/assignments/${lead}/dispute`, { token: fire, body: { note: '     ' } });
    expect(spaces.status).toBe(422);
    const nul = await svc.inject('POST', `/api/v1/assignments/${lead}/dispute`, { token: fire, body: { note: '不归我局\u0000', by: { name: '王\uD800' } } });
    expect(nul.status).toBe(422);
    expect(nul.json.errors.map((e: { field: string }) => e.field)).toEqual(['note', 'by.name']);

    await sendReply(svc, FIRE, { replyId: 'b-spaces', assignmentId: lead, type: 'DISPUTE', note: '     ' }, whistleId);
    await sendReply(svc, FIRE, { replyId: 'b-nul', assignmentId: lead, type: 'DISPUTE', note: '不归我局\u0000' }, whistleId);
    const reasons = await eventually(async () => {
      const on = tap.on(svc.messaging.topic(departmentTopics(FIRE).rejected)).map((m) => m.json as { reason: string; original: string });
      const spaced = on.find((m) => m.original.includes('b-spaces'));
      const nulled = on.find((m) => m.original.includes('b-nul'));
      return spaced && nulled ? { spaced: spaced.reason, nulled: nulled.reason } : undefined;
    });
    expect(reasons.spaced).toMatch(/note/i);
    expect(reasons.nulled).toMatch(/^schema violation: note: .*U\+0000/);
    expect(await countEvents(svc)).toBe(before);
    expect(await eventTypes(svc, whistleId)).not.toContain('AssignmentDisputed');
  });

  it('a note with surrounding spaces and a decomposed é is stored trimmed and NFC', async () => {
    const { whistleId, lead } = await leadOf();
    expect((await svc.inject('POST', `/api/v1/assignments/${lead}/report`, { token: fire, body: { note: '  已派车 Cafe\u0301\u3000', by: { name: ' 王建国 ' } } })).status).toBe(200);
    const [row] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'DepartmentReported'`, [`whistle-${whistleId}`]);
    expect(row.data).toMatchObject({ note: '已派车 Café', by: { name: '王建国' } });
  });

  it(`~${fuzzRuns()} odd bodies at every POST route: never a 5xx, errors as problem+json, a refused one appends nothing, /health still answers`, async () => {
    const { lead } = await leadOf();
    const ids = [lead, randomUUID()];
    const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
    const reply = { replyId: 'fuzz-1', at: '2026-11-25T16:05:00+08:00', by: { name: '王建国' }, note: '已派车前往', result: '通道已清理' };
    const routes: FuzzRoute[] = (['report', 'arrive', 'progress', 'dispute', 'complete'] as const).map((action) => ({
      name: action,
      url: () => `/api/v1/assignments/${pick(ids)}/${action}`,
      headers: () => ({ authorization: `Bearer ${fire}`, 'idempotency-key': randomUUID() }),
      valid: { ...reply, replyId: `fuzz-${action}` },
    }));
    routes.push({
      name: 'dispute-resolution',
      url: () => `/api/v1/assignments/${pick(ids)}/dispute-resolution`,
      headers: () => ({ authorization: `Bearer ${center}` }),
      valid: { decision: 'UPHOLD', reason: '职责不属于该部门', reassignTo: URBAN },
    });
    routes.push({
      name: 'extension',
      url: () => `/api/v1/assignments/${pick(ids)}/extension`,
      headers: () => ({ authorization: `Bearer ${fire}`, 'idempotency-key': randomUUID() }),
      valid: { kind: 'COMPLETE', until: new Date(Date.now() + 48 * 3600_000).toISOString(), reason: '需等待燃气公司停气' },
    });
    routes.push({
      name: 'extension-decision',
      url: () => `/api/v1/assignments/${pick(ids)}/extension-decision`,
      headers: () => ({ authorization: `Bearer ${center}` }),
      valid: { requestId: randomUUID(), decision: 'APPROVE', reason: '情况属实，同意延期' },
    });
    const started = Date.now();
    const stats = await fuzzBoundary(svc, routes, { numRuns: fuzzRuns(), countEvents: () => countEvents(svc) });
    console.log(`dispatch: ${stats.requests} odd requests in ${Date.now() - started} ms, by status ${JSON.stringify(stats.byStatus)}`);
    expect((await svc.inject('GET', '/health')).status).toBe(200);
  });
});

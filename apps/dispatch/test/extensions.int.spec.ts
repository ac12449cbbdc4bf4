import { departmentTopics } from '@chuishao/contracts';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, dept, eventTypes, sendReply, TopicTap } from './dispatch-test-kit';

const FIRE = dept('FIRE_RESCUE');
const URBAN = dept('URBAN_MANAGEMENT');

interface EventRow {
  type: string;
  data: Record<string, unknown> & { requestId?: string; kind?: string; dueAt?: string };
}

/** 延期申请 (contract §11) on real PostgreSQL and Kafka: the deadline moves durably; the bus carries requests and decisions. */
describe('dispatch: extension requests', () => {
  let svc: ServiceUnderTest;
  let tap: TopicTap;
  const t = (name: string) => svc.messaging.topic(name);

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_extensions' });
    tap = await new TopicTap(svc).start([FIRE, URBAN].flatMap((d) => [t(departmentTopics(d).assignments), t(departmentTopics(d).rejected)]));
  });
  afterAll(async () => {
    await tap.stop();
    await svc.stop();
  });

  const events = (whistleId: string): Promise<EventRow[]> =>
    svc.dataSource.query(`SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_position`, [`whistle-${whistleId}`]);
  const lead = async (whistleId: string) =>
    (
      await eventually(async () => {
        const r = await assignmentsOf(svc, whistleId);
        return r.length ? r : undefined;
      })
    ).find((r) => r.role === 'LEAD')!;

  it('a PT3S complete deadline extended before it falls due: no DeadlineMissed at the old time, the deadline row moved in the decision’s transaction, the department told', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE], sla: { report: 'PT1H', arrive: 'PT1H', complete: 'PT3S' } });
    const a = await lead(whistleId);
    const fire = await svc.token('department', FIRE);
    const cc = await svc.token('command-center');
    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/report`, { token: fire, body: {} })).status).toBe(200);
    const until = new Date(Date.now() + 60_000).toISOString();

    // refusals first: nothing of them is recorded
    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, { token: fire, body: { kind: 'COMPLETE', until, reason: '     ' } })).status).toBe(422);
    const [{ completeBy }] = (await events(whistleId)).filter((e) => e.type === 'DepartmentsSummoned').map((e) => (e.data.assignments as Array<{ deadlines: { completeBy: string } }>)[0].deadlines);
    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, { token: fire, body: { kind: 'COMPLETE', until: completeBy, reason: '需等待配件' } })).status).toBe(422);
    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, { token: await svc.token('department', URBAN), body: { kind: 'COMPLETE', until, reason: '需等待配件' } })).status).toBe(403);
    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, { token: cc, body: { kind: 'COMPLETE', until, reason: '需等待配件' } })).status).toBe(403);

    const asked = await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, {
      token: fire,
      headers: { 'idempotency-key': 'fire-ext-1' },
      body: { kind: 'COMPLETE', until, reason: '  需等待燃气公司停气  ' },
    });
    expect(asked.status).toBe(200);
    expect(asked.json.extension).toMatchObject({ kind: 'COMPLETE', until, reason: '需等待燃气公司停气', status: 'PENDING', dueAt: completeBy });
    const requestId = asked.json.extension.requestId as string;
    const again = await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, { token: fire, headers: { 'idempotency-key': 'fire-ext-1' }, body: { kind: 'COMPLETE', until, reason: '需等待燃气公司停气' } });
    expect(again.json.extension.requestId).toBe(requestId); // the same reply: the same request, no second event

    const queue = await svc.inject('GET', '/api/v1/assignments/extensions?status=PENDING', { token: cc });
    expect(queue.status).toBe(200);
    expect(queue.json.cap).toBe(2);
    expect(queue.json.items.map((i: { requestId: string }) => i.requestId)).toContain(requestId);
    expect((await svc.inject('GET', '/api/v1/assignments/extensions?status=PENDING', { token: fire })).status).toBe(403);

    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/extension-decision`, { token: cc, body: { requestId, decision: 'APPROVE', reason: '   ' } })).status).toBe(422);
    const approved = await svc.inject('POST', `/api/v1/assignments/${a.id}/extension-decision`, { token: cc, body: { requestId, decision: 'APPROVE', reason: '情况属实，同意延期' } });
    expect(approved.status).toBe(200);
    expect(approved.json.deadlines.completeBy).toBe(until);
    expect(approved.json.extension).toMatchObject({ status: 'APPROVED', decisionReason: '情况属实，同意延期', standing: false });
    expect(approved.json.extensions).toHaveLength(1);
    expect((await svc.inject('POST', `/api/v1/assignments/${a.id}/extension-decision`, { token: cc, body: { requestId, decision: 'DENY', reason: '重复裁决' } })).status).toBe(409);

    const rows = await svc.dataSource.query(`SELECT due_at, state FROM deadlines WHERE assignment_id = $1 AND kind = 'COMPLETE'`, [a.id]);
    expect(rows.map((r: { due_at: Date; state: string }) => [new Date(r.due_at).toISOString(), r.state])).toEqual([[until, 'PENDING']]);
    await new Promise((r) => setTimeout(r, 5500)); // past the old deadline and the scheduler's 5 s
    expect((await events(whistleId)).map((e) => e.type)).toEqual(['DepartmentsSummoned', 'DepartmentReported', 'ExtensionRequested', 'ExtensionDecided']);
    const [row] = await svc.dataSource.query(`SELECT state FROM deadlines WHERE assignment_id = $1 AND kind = 'COMPLETE'`, [a.id]);
    expect(row.state).toBe('PENDING');

    const told = await eventually(async () => tap.on(t(departmentTopics(FIRE).assignments)).find((m) => m.json?.type === 'EXTENSION_DECIDED' && m.json.requestId === requestId));
    expect(told.json).toMatchObject({ assignmentId: a.id, whistleId, decision: 'APPROVE', kind: 'COMPLETE', until, deadlines: { completeBy: until } });
    expect(told.headers['message-type']).toBe('EXTENSION_DECIDED');
  });

  it('an extension approved after its deadline fell due: the miss at the old time stands, the new deadline applies from then on', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE], sla: { report: 'PT1H', arrive: 'PT1H', complete: 'PT4S' } });
    const a = await lead(whistleId);
    const fire = await svc.token('department', FIRE);
    const cc = await svc.token('command-center');
    const until = new Date(Date.now() + 120_000).toISOString();
    const asked = await svc.inject('POST', `/api/v1/assignments/${a.id}/extension`, { token: fire, body: { kind: 'COMPLETE', until, reason: '需等待配件' } });
    expect(asked.status).toBe(200);
    const dueAt = asked.json.extension.dueAt as string;
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('DeadlineMissed') ? true : undefined), 15000);
    const approved = await svc.inject('POST', `/api/v1/assignments/${a.id}/extension-decision`, {
      token: cc,
      body: { requestId: asked.json.extension.requestId, decision: 'APPROVE', reason: '情况属实' },
    });
    expect(approved.status).toBe(200);
    expect(approved.json.extension.standing).toBe(true);
    expect(approved.json.deadlines.completeBy).toBe(until);
    expect(approved.json.overdue).toEqual([{ kind: 'COMPLETE', dueAt }]);
    const all = await events(whistleId);
    expect(all.filter((e) => e.type === 'DeadlineMissed').map((e) => [e.data.kind, e.data.dueAt])).toEqual([['COMPLETE', dueAt]]);
    expect(await svc.dataSource.query(`SELECT state FROM deadlines WHERE assignment_id = $1 AND kind = 'COMPLETE'`, [a.id])).toEqual([{ state: 'MISSED' }]);
  });

  it('over Kafka, an EXTENSION reply creates a request; one without a reason goes to the rejected topic with REASON_REQUIRED', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [URBAN] });
    const a = await lead(whistleId);
    const until = new Date(Date.now() + 48 * 3600_000).toISOString();
    const bad = { replyId: 'urban-ext-blank', assignmentId: a.id, type: 'EXTENSION', kind: 'COMPLETE', until, reason: ' \u3000 ' };
    await sendReply(svc, URBAN, bad, whistleId);
    await sendReply(svc, URBAN, { replyId: 'urban-ext-1', assignmentId: a.id, type: 'EXTENSION', kind: 'ARRIVE', until, reason: '现场需封路，交警配合后到场', by: { name: '李明' } }, whistleId);
    const requested = await eventually(async () => (await events(whistleId)).find((e) => e.type === 'ExtensionRequested'));
    expect(requested.data).toMatchObject({ kind: 'ARRIVE', until, reason: '现场需封路，交警配合后到场', replyId: 'urban-ext-1', channel: 'kafka', by: { name: '李明' } });
    const rejected = await eventually(async () => tap.on(t(departmentTopics(URBAN).rejected)).find((m) => m.json?.original === JSON.stringify(bad))?.json);
    expect(rejected).toMatchObject({ details: { code: 'REASON_REQUIRED' } });
    const cc = await svc.token('command-center');
    const queue = await svc.inject('GET', `/api/v1/assignments/extensions?status=PENDING&departmentId=${URBAN}`, { token: cc });
    expect(queue.json.items).toEqual([
      expect.objectContaining({ requestId: requested.data.requestId, assignmentId: a.id, kind: 'ARRIVE', status: 'PENDING', assignment: expect.objectContaining({ approvedExtensions: 0 }), whistle: expect.objectContaining({ title: '早餐车占用消防通道' }) }),
    ]);
    const mine = await svc.inject('GET', `/api/v1/assignments/${a.id}`, { token: await svc.token('department', URBAN) });
    expect(mine.json.extensions).toEqual([expect.objectContaining({ requestId: requested.data.requestId, status: 'PENDING' })]);
  });
});

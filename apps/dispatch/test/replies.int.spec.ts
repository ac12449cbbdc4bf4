import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import { departmentTopics, TOPICS } from '@chuishao/contracts';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, catalog, dept, envelope, eventTypes, publishWhistleEvent, RED_SLA, sendReply, TopicTap } from './dispatch-test-kit';

const FIRE = dept('FIRE_RESCUE');
const URBAN = dept('URBAN_MANAGEMENT');
const MARKET = dept('MARKET_REGULATION');

describe('dispatch: department replies over Kafka and HTTP', () => {
  let svc: ServiceUnderTest;
  let tap: TopicTap;
  const t = (name: string) => svc.messaging.topic(name);

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_replies' });
    tap = await new TopicTap(svc).start(
      [FIRE, URBAN, MARKET].flatMap((d) => [t(departmentTopics(d).assignments), t(departmentTopics(d).rejected)]),
    );
  });
  afterAll(async () => {
    await tap.stop();
    await svc.stop();
  });

  async function dispatched(requestedDepartments = [FIRE, URBAN]) {
    const whistleId = await blowAndTriage(svc, { requestedDepartments });
    const rows = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === requestedDepartments.length ? r : undefined;
    });
    return { whistleId, lead: rows.find((r) => r.role === 'LEAD')!, assist: rows.find((r) => r.role === 'ASSIST') };
  }

  const rejectedFor = (departmentId: string, match: (m: { original: string }) => boolean) =>
    eventually(async () => tap.on(t(departmentTopics(departmentId).rejected)).find((m) => m.json && match(m.json))?.json);

  it('reads the replies in a consumer group of their own: the whistle topic’s consumer fetches its partitions and the one of assessment’s events only (ADR 0016)', async () => {
    const assigned = async (purpose: string) => {
      const { groups } = await svc.messaging.admin.describeGroups([svc.messaging.consumerGroupId(purpose)]);
      const topics = groups[0].members.flatMap((m) => Object.keys(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}));
      return [...new Set(topics)].sort();
    };
    expect(await eventually(async () => ((await assigned('events')).length ? assigned('events') : undefined))).toEqual([t(TOPICS.assessmentEvents), t(TOPICS.whistleEvents)].sort());
    const replies = await eventually(async () => ((await assigned('replies')).length ? assigned('replies') : undefined));
    expect(replies).toEqual(catalog.departments.map((d) => t(departmentTopics(d.id).replies)).sort());
  });

  it('summons over the department topics with type SUMMONED, then applies REPORT, ARRIVE, COMPLETE once each', async () => {
    const { whistleId, lead } = await dispatched();
    const summoned = await eventually(async () => tap.on(t(departmentTopics(FIRE).assignments)).find((m) => m.json?.assignmentId === lead.id));
    expect(summoned.json).toMatchObject({ type: 'SUMMONED', whistleId, role: 'LEAD', level: 'RED', situationCode: 'FIRE_LANE_BLOCKED', title: '早餐车占用消防通道' });
    expect(summoned.headers['message-type']).toBe('SUMMONED');
    expect(summoned.key).toBe(whistleId);

    const reply = (type: string, extra: object = {}) => ({ replyId: `${lead.id}-${type}`, assignmentId: lead.id, type, at: new Date().toISOString(), by: { name: '王建国' }, ...extra });
    await sendReply(svc, FIRE, reply('REPORT'), whistleId);
    await sendReply(svc, FIRE, reply('REPORT'), whistleId); // a replay: no second event
    await sendReply(svc, FIRE, reply('ARRIVE'), whistleId);
    await sendReply(svc, FIRE, reply('PROGRESS', { note: '正在清理' }), whistleId);
    await sendReply(svc, FIRE, reply('COMPLETE', { result: '通道已清理，气罐已移走' }), whistleId);
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('DepartmentCompleted') ? true : undefined));
    expect(await eventTypes(svc, whistleId)).toEqual(['DepartmentsSummoned', 'DepartmentReported', 'DepartmentArrived', 'HandlingProgressed', 'DepartmentCompleted']);
    const reused = { ...reply('PROGRESS', { note: '复用' }), replyId: `${lead.id}-REPORT` };
    await sendReply(svc, FIRE, reused, whistleId);
    expect(await rejectedFor(FIRE, (m) => m.original === JSON.stringify(reused))).toMatchObject({ details: { code: 'REPLY_ID_REUSED' } });

    const [reported] = await svc.dataSource.query(`SELECT data, metadata FROM events WHERE stream_id = $1 AND type = 'DepartmentReported'`, [`whistle-${whistleId}`]);
    expect(reported.metadata.actor).toEqual({ role: 'department', org: FIRE, sub: 'dept-reply' });
    expect(reported.data).toMatchObject({ departmentId: FIRE, channel: 'kafka', by: { name: '王建国' } });
    expect(Date.parse(reported.data.receivedAt)).toBeGreaterThan(0);
    const [row] = await svc.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [lead.id]);
    expect(row.status).toBe('COMPLETED');
  });

  it('rejects, with the original message and a reason: COMPLETE before REPORT, another department’s assignment, unknown assignment, bad JSON', async () => {
    const { whistleId, lead, assist } = await dispatched();
    const early = { replyId: randomUUID(), assignmentId: assist!.id, type: 'COMPLETE', result: '已处理' };
    await sendReply(svc, URBAN, early, whistleId);
    expect(await rejectedFor(URBAN, (m) => m.original === JSON.stringify(early))).toMatchObject({ reason: 'COMPLETE before REPORT', details: { code: 'NOT_REPORTED' } });

    const foreign = { replyId: randomUUID(), assignmentId: lead.id, type: 'REPORT' };
    await sendReply(svc, URBAN, foreign, whistleId);
    expect((await rejectedFor(URBAN, (m) => m.original === JSON.stringify(foreign))).reason).toMatch(/another department/);

    const unknown = { replyId: randomUUID(), assignmentId: randomUUID(), type: 'REPORT' };
    await sendReply(svc, MARKET, unknown);
    expect((await rejectedFor(MARKET, (m) => m.original === JSON.stringify(unknown))).reason).toMatch(/unknown assignment/);

    await sendReply(svc, MARKET, '{"replyId": "x", ');
    expect((await rejectedFor(MARKET, (m) => m.original === '{"replyId": "x", ')).reason).toBe('malformed JSON');
    await sendReply(svc, MARKET, '{"replyId":"y","assignmentId":"nope","type":"REPORT"}');
    expect((await rejectedFor(MARKET, (m) => m.original.includes('"nope"'))).reason).toMatch(/schema violation: assignmentId must be a UUID/);
    expect(await eventTypes(svc, whistleId)).toEqual(['DepartmentsSummoned']);
  });

  it('over HTTP: own assignments only (403), 409 out of order, 422 without result, 200 with the assignment; listing is scoped', async () => {
    const { whistleId, lead, assist } = await dispatched();
    const fire = await svc.token('department', FIRE);
    const urban = await svc.token('department', URBAN);
    expect((await svc.inject('POST', `/api/v1/assignments/${lead.id}/report`, { token: urban, body: {} })).status).toBe(403);
    expect((await svc.inject('POST', `/api/v1/assignments/${randomUUID()}/report`, { token: fire, body: {} })).status).toBe(404);
    const cc = await svc.token('command-center');
    expect((await svc.inject('POST', `/api/v1/assignments/${lead.id}/report`, { token: cc, body: {} })).status).toBe(403);
    const early = await svc.inject('POST', `/api/v1/assignments/${lead.id}/complete`, { token: fire, body: { result: '已办结' } });
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toContain('application/problem+json');
    const key = randomUUID();
    const ok = await svc.inject('POST', `/api/v1/assignments/${lead.id}/report`, { token: fire, headers: { 'idempotency-key': key }, body: { by: { name: '李明' } } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ id: lead.id, status: 'REPORTED', departmentId: FIRE, whistle: { title: '早餐车占用消防通道' } });
    const again = await svc.inject('POST', `/api/v1/assignments/${lead.id}/report`, { token: fire, headers: { 'idempotency-key': key }, body: { by: { name: '李明' } } });
    expect(again.status).toBe(200);
    const reused = await svc.inject('POST', `/api/v1/assignments/${lead.id}/arrive`, { token: fire, headers: { 'idempotency-key': key }, body: {} });
    expect(reused.status).toBe(409);
    expect(reused.json.detail).toContain('REPLY_ID_REUSED');
    expect((await svc.inject('POST', `/api/v1/assignments/${lead.id}/complete`, { token: fire, body: {} })).status).toBe(422);
    expect((await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute`, { token: fire, body: { note: '' } })).status).toBe(422);

    const mine = await svc.inject('GET', '/api/v1/assignments', { token: urban });
    expect(mine.status).toBe(200);
    expect(mine.json.items.length).toBeGreaterThan(0);
    expect(mine.json.items.every((a: { departmentId: string }) => a.departmentId === URBAN)).toBe(true);
    expect(mine.json.items.some((a: { id: string }) => a.id === assist!.id)).toBe(true);
    expect((await svc.inject('GET', `/api/v1/assignments?departmentId=${FIRE}`, { token: urban })).status).toBe(403);
    const all = await svc.inject('GET', `/api/v1/assignments?departmentId=${FIRE}&status=REPORTED`, { token: cc });
    expect(all.json.items.map((a: { id: string }) => a.id)).toContain(lead.id);
    expect(all.json.items[0].deadlines).toEqual(expect.objectContaining({ reportBy: expect.any(String), completeBy: expect.any(String) }));
    // keyset pages: every assignment once, newest first
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: Array<{ id: string }>; nextCursor: string | null } } = await svc.inject('GET', `/api/v1/assignments?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: cc });
      seen.push(...page.json.items.map((a) => a.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    const [{ n }] = await svc.dataSource.query(`SELECT count(*)::int AS n FROM assignments`);
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    expect((await svc.inject('GET', '/api/v1/assignments?cursor=nope', { token: cc })).status).toBe(422);
    const ofWhistle = await svc.inject('GET', `/api/v1/assignments?whistleId=${whistleId}`, { token: cc });
    expect(ofWhistle.json.items.map((a: { id: string }) => a.id).sort()).toEqual([lead.id, assist!.id].sort());
  });

  it('dispute of the LEAD upheld with reassignment: a new LEAD assignment on the new department’s topic', async () => {
    const { whistleId, lead } = await dispatched();
    const fire = await svc.token('department', FIRE);
    const cc = await svc.token('command-center');
    const disputed = await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute`, { token: fire, body: { note: '占道经营应由市场监管牵头' } });
    expect(disputed.json.status).toBe('DISPUTED');
    const noTarget = await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute-resolution`, { token: cc, body: { decision: 'UPHOLD', reason: '情况属实' } });
    expect(noTarget.status).toBe(422);
    expect((await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute-resolution`, { token: fire, body: { decision: 'REJECT', reason: 'x' } })).status).toBe(403);
    const res = await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute-resolution`, {
      token: cc,
      body: { decision: 'UPHOLD', reason: '经核实属市场监管职责', reassignTo: MARKET },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: lead.id, status: 'REASSIGNED', reassignedTo: { departmentId: MARKET, role: 'LEAD', status: 'SUMMONED' } });
    const newId = res.json.reassignedTo.id as string;
    const msg = await eventually(async () => tap.on(t(departmentTopics(MARKET).assignments)).find((m) => m.json?.assignmentId === newId));
    expect(msg.json).toMatchObject({ type: 'SUMMONED', whistleId, role: 'LEAD' });
    const told = await eventually(async () => tap.on(t(departmentTopics(FIRE).assignments)).find((m) => m.json?.type === 'DISPUTE_RESOLVED' && m.json.assignmentId === lead.id));
    expect(told.json.decision).toBe('UPHOLD');
    const [dl] = await svc.dataSource.query(`SELECT count(*)::int AS n FROM deadlines WHERE assignment_id = $1 AND state = 'PENDING'`, [newId]);
    expect(dl.n).toBe(3);
    const again = await svc.inject('POST', `/api/v1/assignments/${lead.id}/report`, { token: fire, body: {} });
    expect(again.status).toBe(409);
  });

  it('withdrawn whistle: open assignments CLOSED, departments told (CANCELLED), later replies rejected', async () => {
    const { whistleId, lead, assist } = await dispatched();
    await publishWhistleEvent(svc, envelope('WhistleWithdrawn', whistleId, { whistleId, reason: '  问题已自行解决 ' }, 'intake'));
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('AssignmentsClosed') ? true : undefined));
    const statuses = await svc.dataSource.query(`SELECT status FROM assignments WHERE whistle_id = $1`, [whistleId]);
    expect(statuses.map((r: { status: string }) => r.status)).toEqual(['CLOSED', 'CLOSED']);
    const cancelled = await eventually(async () => tap.on(t(departmentTopics(URBAN).assignments)).find((m) => m.json?.type === 'CANCELLED' && m.json.assignmentId === assist!.id));
    expect(cancelled.json).toMatchObject({ whistleId, reason: '问题已自行解决' });
    const late = { replyId: randomUUID(), assignmentId: lead.id, type: 'REPORT' };
    await sendReply(svc, FIRE, late, whistleId);
    expect((await rejectedFor(FIRE, (m) => m.original === JSON.stringify(late))).reason).toMatch(/withdrawn|cancelled/);
    const [{ n }] = await svc.dataSource.query(`SELECT count(*)::int AS n FROM deadlines WHERE whistle_id = $1 AND state = 'PENDING'`, [whistleId]);
    expect(n).toBe(0);
  });

  it('a whistle withdrawn before it was triaged is not dispatched', async () => {
    const whistleId = randomUUID();
    const situation = catalog.situation('FIRE_LANE_BLOCKED')!;
    const blown = { whistleId, streetId: catalog.streets[0].id, situationCode: situation.code, area: situation.area, title: '已撤回', description: '', location: { address: 'x', normalisedAddress: 'x', communityId: null, lat: null, lng: null }, requestedDepartments: [], hints: { lifeSafety: false, householdsAffected: null }, attachments: [], channel: 'api' };
    await publishWhistleEvent(svc, envelope('WhistleBlown', whistleId, blown, 'intake'));
    await publishWhistleEvent(svc, envelope('WhistleWithdrawn', whistleId, { whistleId, reason: '误报' }, 'intake'));
    const triaged = envelope('WhistleTriaged', whistleId, { whistleId, streetId: blown.streetId, situationCode: situation.code, area: situation.area, level: 'RED', policyVersion: 1, rules: [], sla: RED_SLA, requestedDepartments: [] }, 'triage');
    await publishWhistleEvent(svc, triaged);
    await eventually(async () => {
      const rows = await svc.dataSource.query(`SELECT 1 FROM inbox WHERE message_id = $1`, [triaged.eventId]);
      return rows.length === 1 ? true : undefined;
    });
    // nobody summoned: dispatch's stream holds only the closing it recorded (ADR 0023)
    expect(await eventTypes(svc, whistleId)).toEqual(['WhistleClosed']);
    expect(await assignmentsOf(svc, whistleId)).toEqual([]);
  });
});

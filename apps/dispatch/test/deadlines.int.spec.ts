import { type Consumer } from 'kafkajs';
import { departmentTopics } from '@chuishao/contracts';
import { eventually, testKafka, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, dept, envelope, eventTypes, publishWhistleEvent, sendReply } from './dispatch-test-kit';

const FIRE = dept('FIRE_RESCUE');
const URBAN = dept('URBAN_MANAGEMENT');
const POLICE = dept('PUBLIC_SECURITY');

function missedUrban(all: MissRow[], policeId: string): string {
  return all.find((m) => m.data.assignmentId !== policeId)!.data.assignmentId;
}

interface MissRow {
  type: string;
  data: { assignmentId: string; kind: string; dueAt: string };
  occurred_at: Date;
}

describe('dispatch: durable deadlines', () => {
  let svc: ServiceUnderTest;
  let db: ServiceUnderTest['db'];

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_deadlines' });
    db = svc.db;
  });
  // (after the restart the service runs on the first one's database as `shared`, and leaves it)
  afterAll(async () => {
    await svc.stop();
    await db.drop();
  });

  const misses = (whistleId: string): Promise<MissRow[]> =>
    svc.dataSource.query(`SELECT type, data, occurred_at FROM events WHERE stream_id = $1 AND type IN ('DeadlineMissed', 'WhistleEscalated') ORDER BY stream_position`, [
      `whistle-${whistleId}`,
    ]);

  it('a PT2S report deadline: exactly one DeadlineMissed + WhistleEscalated per unreported assignment, within 5 s; a timely report is not missed', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE, URBAN], sla: { report: 'PT2S', arrive: 'PT1H', complete: 'PT2H' } });
    const rows = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 2 ? r : undefined;
    });
    const lead = rows.find((r) => r.department_id === FIRE)!;
    const assist = rows.find((r) => r.department_id === URBAN)!;
    await sendReply(svc, FIRE, { replyId: 'in-time', assignmentId: lead.id, type: 'REPORT' }, whistleId);
    const found = await eventually(async () => {
      const m = await misses(whistleId);
      return m.length >= 2 ? m : undefined;
    });
    await new Promise((r) => setTimeout(r, 2500)); // the scheduler keeps running: nothing more appears
    const all = await misses(whistleId);
    expect(all.map((m) => [m.type, m.data.assignmentId, m.data.kind])).toEqual([
      ['DeadlineMissed', assist.id, 'REPORT'],
      ['WhistleEscalated', assist.id, 'REPORT'],
    ]);
    const lateness = new Date(found[0].occurred_at).getTime() - Date.parse(found[0].data.dueAt);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(5000);
     
    console.log(`DeadlineMissed appended ${lateness} ms after the deadline`);
    const states: Array<{ assignment_id: string; kind: string; state: string }> = await svc.dataSource.query(
      `SELECT assignment_id, kind, state FROM deadlines WHERE whistle_id = $1 ORDER BY assignment_id, kind`,
      [whistleId],
    );
    expect(states.filter((s) => s.kind === 'REPORT').map((s) => [s.assignment_id, s.state]).sort()).toEqual(
      [
        [lead.id, 'MET'],
        [assist.id, 'MISSED'],
      ].sort(),
    );
    const [a] = await svc.dataSource.query(`SELECT overdue FROM assignments WHERE id = $1`, [assist.id]);
    expect(a.overdue).toEqual([{ kind: 'REPORT', dueAt: found[0].data.dueAt }]);
  });

  it('a deadline waits for the replies however long they lag: a REPORT on the bus before the deadline but applied 5 s after it is on time, with no miss and no escalation', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE], sla: { report: 'PT2S', arrive: 'PT1H', complete: 'PT2H' } });
    const [lead] = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 1 ? r : undefined;
    });
    // the replies consumer stops fetching (as if it were failing), then the report reaches the bus in time
    const replies = svc.servers.find((s) => s.health().group.endsWith('replies'))!.unwrap<Consumer>();
    const topic = svc.messaging.topic(departmentTopics(FIRE).replies);
    replies.pause([{ topic }]);
    await sendReply(svc, FIRE, { replyId: 'lagging-report', assignmentId: lead.id, type: 'REPORT' }, whistleId);
    await new Promise((r) => setTimeout(r, 2000 + 5000)); // the deadline, then longer than any grace period
    expect(await misses(whistleId)).toEqual([]);
    const [pending] = await svc.dataSource.query(`SELECT state FROM deadlines WHERE assignment_id = $1 AND kind = 'REPORT'`, [lead.id]);
    expect(pending.state).toBe('PENDING');
    replies.resume([{ topic }]);
    await eventually(async () => {
      const [row] = await svc.dataSource.query(`SELECT state FROM deadlines WHERE assignment_id = $1 AND kind = 'REPORT'`, [lead.id]);
      return row.state === 'MET';
    }, 15000);
    expect(await misses(whistleId)).toEqual([]);
  });

  it('survives a restart of dispatch across the deadline: exactly one DeadlineMissed per assignment and kind, and a reply that reached the bus in time counts', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [POLICE, URBAN], sla: { report: 'PT3S', arrive: 'PT4S', complete: 'PT2H' } });
    await eventually(async () => ((await assignmentsOf(svc, whistleId)).length === 2 ? true : undefined));
    const shared = { db: svc.db, prefix: svc.config.CHUISHAO_TOPIC_PREFIX };
    const police = (await assignmentsOf(svc, whistleId)).find((r) => r.department_id === POLICE)!;
    await svc.app.close(); // down before the deadline …
    // … the police report reaches the bus in time, while dispatch is down …
    const kafka = testKafka('police-system');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${shared.prefix}.${departmentTopics(POLICE).replies}`,
      messages: [{ key: whistleId, value: JSON.stringify({ replyId: 'police-report', assignmentId: police.id, type: 'REPORT' }) }],
    });
    await producer.disconnect();
    await new Promise((r) => setTimeout(r, 5000)); // … both deadlines pass while nobody runs …
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_deadlines', shared }); // … and it comes back
    const found = await eventually(async () => {
      const m = await misses(whistleId);
      return m.filter((x) => x.type === 'DeadlineMissed').length >= 3 ? m : undefined;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const all = await misses(whistleId);
    expect(all).toHaveLength(found.length);
    const missed = all.filter((m) => m.type === 'DeadlineMissed').map((m) => `${m.data.assignmentId}:${m.data.kind}`);
    // The police reported in time (by the broker's receipt time): only its ARRIVE is missed.
    expect(missed.sort()).toEqual([`${police.id}:ARRIVE`, ...['REPORT', 'ARRIVE'].map((k) => `${missedUrban(all, police.id)}:${k}`)].sort());
    expect(all.filter((m) => m.type === 'WhistleEscalated')).toHaveLength(2);
    const [reported] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'DepartmentReported'`, [`whistle-${whistleId}`]);
    expect(Date.parse(reported.data.receivedAt)).toBeLessThan(Date.parse(all.find((m) => m.data.kind === 'REPORT')!.data.dueAt));
  });

  it('a reopen gives the assignments a new complete deadline; an override moves pending deadlines', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE], sla: { report: 'PT1H', arrive: 'PT2H', complete: 'PT3H' } });
    const [lead] = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 1 ? r : undefined;
    });
    await sendReply(svc, FIRE, { replyId: 'r', assignmentId: lead.id, type: 'REPORT' }, whistleId);
    await sendReply(svc, FIRE, { replyId: 'c', assignmentId: lead.id, type: 'COMPLETE', result: '已办结' }, whistleId);
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('DepartmentCompleted') ? true : undefined));

    await publishWhistleEvent(svc, envelope('TriageOverridden', whistleId, { whistleId, from: 'RED', to: 'BLUE', reason: '复核降级', policyVersion: 1, sla: { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' } }, 'triage'));
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('DeadlinesChanged') ? true : undefined));
    const before = Date.now();
    await publishWhistleEvent(svc, envelope('WhistleReopened', whistleId, { whistleId, reason: '群众反映仍有气罐' }, 'intake'));
    await eventually(async () => ((await eventTypes(svc, whistleId)).filter((t) => t === 'DeadlinesChanged').length === 2 ? true : undefined));
    const [changed] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'DeadlinesChanged' ORDER BY stream_position DESC LIMIT 1`, [
      `whistle-${whistleId}`,
    ]);
    expect(changed.data.reason).toBe('WHISTLE_REOPENED');
    const completeBy = Date.parse(changed.data.assignments[0].deadlines.completeBy);
    expect(completeBy - before).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60000); // the level is BLUE now: 7 days from the reopen
    const pending = await svc.dataSource.query(`SELECT kind, due_at FROM deadlines WHERE assignment_id = $1 AND state = 'PENDING'`, [lead.id]);
    expect(pending).toHaveLength(1);
    expect(pending[0].kind).toBe('COMPLETE');
    const [row] = await svc.dataSource.query(`SELECT status, completed_at FROM assignments WHERE id = $1`, [lead.id]);
    expect(row).toEqual({ status: 'IN_PROGRESS', completed_at: null });
    await sendReply(svc, FIRE, { replyId: 'c2', assignmentId: lead.id, type: 'COMPLETE', result: '彻底清理' }, whistleId);
    await eventually(async () => ((await eventTypes(svc, whistleId)).filter((t) => t === 'DepartmentCompleted').length === 2 ? true : undefined));
  });

  it('a confirmed whistle with an open ASSIST whose deadline then passes: the ASSIST is CLOSED, no DeadlineMissed, its deadlines skipped (contract §4)', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE, URBAN], sla: { report: 'PT3S', arrive: 'PT1H', complete: 'PT2H' } });
    const rows = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 2 ? r : undefined;
    });
    const lead = rows.find((r) => r.department_id === FIRE)!;
    const assist = rows.find((r) => r.department_id === URBAN)!;
    await sendReply(svc, FIRE, { replyId: 'closing-r', assignmentId: lead.id, type: 'REPORT' }, whistleId);
    await sendReply(svc, FIRE, { replyId: 'closing-c', assignmentId: lead.id, type: 'COMPLETE', result: '已办结' }, whistleId);
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('DepartmentCompleted') ? true : undefined));
    await publishWhistleEvent(svc, envelope('WhistleConfirmed', whistleId, { whistleId }, 'intake'));
    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('AssignmentsClosed') ? true : undefined));
    await new Promise((r) => setTimeout(r, 4500)); // past the ASSIST's report deadline and the scheduler's 5 s
    expect(await misses(whistleId)).toEqual([]);
    const [closed] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'AssignmentsClosed'`, [`whistle-${whistleId}`]);
    expect(closed.data).toMatchObject({ assignmentIds: [assist.id], cause: 'WHISTLE_CONFIRMED', reason: null });
    const [a] = await svc.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [assist.id]);
    expect(a.status).toBe('CLOSED');
    const states = await svc.dataSource.query(`SELECT kind, state FROM deadlines WHERE assignment_id = $1 ORDER BY kind`, [assist.id]);
    expect(states).toEqual([
      { kind: 'ARRIVE', state: 'SKIPPED' },
      { kind: 'COMPLETE', state: 'SKIPPED' },
      { kind: 'REPORT', state: 'SKIPPED' },
    ]);
  });

  it('the clock stops while DISPUTED: no miss while the dispute waits past the deadline; on REJECT the deadline moves by the wait (rows updated) and then fires at its new time', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE], sla: { report: 'PT4S', arrive: 'PT1H', complete: 'PT2H' } });
    const [lead] = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 1 ? r : undefined;
    });
    const fire = await svc.token('department', FIRE);
    const cc = await svc.token('command-center');
    const disputed = await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute`, { token: fire, body: { note: '  占道经营应由市场监管牵头 ' } });
    expect(disputed.json).toMatchObject({ status: 'DISPUTED', disputeNote: '占道经营应由市场监管牵头' });
    const paused = await svc.dataSource.query(`SELECT kind, state FROM deadlines WHERE assignment_id = $1 ORDER BY kind`, [lead.id]);
    expect(paused.map((p: { state: string }) => p.state)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    await new Promise((r) => setTimeout(r, 6000)); // the report deadline would have passed a second ago
    expect(await misses(whistleId)).toEqual([]);
    const blank = await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute-resolution`, { token: cc, body: { decision: 'REJECT', reason: '     ' } });
    expect(blank.status).toBe(422);
    const rejected = await svc.inject('POST', `/api/v1/assignments/${lead.id}/dispute-resolution`, { token: cc, body: { decision: 'REJECT', reason: '经核实属本部门职责' } });
    expect(rejected.status).toBe(200);
    const [resolved] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'DisputeResolved'`, [`whistle-${whistleId}`]);
    const [disputeEvent] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'AssignmentDisputed'`, [`whistle-${whistleId}`]);
    const [summons] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'DepartmentsSummoned'`, [`whistle-${whistleId}`]);
    const left = Date.parse(summons.data.assignments[0].deadlines.reportBy) - Date.parse(disputeEvent.data.receivedAt);
    expect(left).toBeGreaterThan(0);
    expect(Date.parse(resolved.data.deadlines.reportBy) - Date.parse(resolved.data.resolvedAt)).toBe(left); // the time that was left is left
    const pending = await svc.dataSource.query(`SELECT kind, due_at FROM deadlines WHERE assignment_id = $1 AND state = 'PENDING' ORDER BY kind`, [lead.id]);
    expect(pending.map((p: { kind: string; due_at: Date }) => [p.kind, new Date(p.due_at).toISOString()])).toEqual([
      ['ARRIVE', resolved.data.deadlines.arriveBy],
      ['COMPLETE', resolved.data.deadlines.completeBy],
      ['REPORT', resolved.data.deadlines.reportBy],
    ]);
    const found = await eventually(async () => {
      const m = await misses(whistleId);
      return m.length >= 2 ? m : undefined;
    }, 15000);
    expect(found.map((m) => [m.type, m.data.kind, m.data.dueAt])).toEqual([
      ['DeadlineMissed', 'REPORT', resolved.data.deadlines.reportBy],
      ['WhistleEscalated', 'REPORT', resolved.data.deadlines.reportBy],
    ]);
  });

  it('a burst: 300 report deadlines falling due together are all judged within 5 s of their deadline', async () => {
    const n = 150;
    const ids: string[] = [];
    const started = Date.now();
    for (let i = 0; i < n; i++) ids.push(await blowAndTriage(svc, { requestedDepartments: [FIRE, URBAN], sla: { report: 'PT20S', arrive: 'PT1H', complete: 'PT2H' } }));
    await eventually(async () => {
      const [{ c }] = await svc.dataSource.query(`SELECT count(*)::int AS c FROM deadlines WHERE kind = 'REPORT' AND whistle_id = ANY($1::uuid[])`, [ids]);
      return c === 2 * n ? true : undefined;
    }, 60000, 200);
    const summonedIn = Date.now() - started;
    const rows: Array<{ lateness: number }> = await eventually(async () => {
      const r: Array<{ lateness: number }> = await svc.dataSource.query(
        `SELECT (extract(epoch FROM occurred_at) * 1000 - extract(epoch FROM (data->>'dueAt')::timestamptz) * 1000)::int AS lateness
           FROM events WHERE type = 'DeadlineMissed' AND (data->>'whistleId')::uuid = ANY($1::uuid[])`,
        [ids],
      );
      return r.length === 2 * n ? r : undefined;
    }, 90000, 250);
    const worst = Math.max(...rows.map((r) => r.lateness));
     
    console.log(`${n} whistles summoned in ${summonedIn} ms; ${rows.length} DeadlineMissed, worst ${worst} ms after the deadline`);
    expect(worst).toBeLessThan(5000);
    const [{ e }] = await svc.dataSource.query(`SELECT count(*)::int AS e FROM events WHERE type = 'WhistleEscalated' AND (data->>'whistleId')::uuid = ANY($1::uuid[])`, [ids]);
    expect(e).toBe(2 * n);
  }, 240000);
});

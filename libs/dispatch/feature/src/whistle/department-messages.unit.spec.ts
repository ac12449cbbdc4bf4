import type { DispatchEvent } from '@chuishao/dispatch-contracts';
import { deadlinesFrom, fold } from '@chuishao/dispatch-domain';
import { departmentMessages } from './department-messages';
import type { WhistleBrief } from './whistle-briefs';

const W = 'a0000000-0000-4000-8000-000000000001';
const A = 'b0000000-0000-4000-8000-000000000001';
const FIRE = 'd0000000-0000-4000-8000-000000000001';
const T0 = '2026-11-25T08:00:00.000Z';
const SLA = { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' };
const brief: WhistleBrief = { whistleId: W, streetId: 's', situationCode: 'FIRE_LANE_BLOCKED', title: '早餐车占用消防通道', description: 'd', location: { address: '福缘里' }, phase: 'OPEN' };
const summoned: DispatchEvent = {
  type: 'DepartmentsSummoned',
  data: { whistleId: W, level: 'RED', summonedAt: T0, sla: SLA, assignments: [{ assignmentId: A, departmentId: FIRE, role: 'LEAD', deadlines: deadlinesFrom(T0, SLA) }] },
};
const topic = (n: string) => `p.${n}`;

describe('department messages', () => {
  it('SUMMONED carries the contract fields, keyed by whistle, on the department’s assignments topic', () => {
    const [m] = departmentMessages([summoned], fold([summoned]), brief, topic, T0);
    expect(m.topic).toBe(`p.chuishao.dept.${FIRE}.assignments`);
    expect(m.key).toBe(W);
    expect(m.headers).toEqual({ 'message-type': 'SUMMONED' });
    expect(JSON.parse(m.value)).toEqual({
      type: 'SUMMONED',
      assignmentId: A,
      whistleId: W,
      role: 'LEAD',
      level: 'RED',
      situationCode: 'FIRE_LANE_BLOCKED',
      title: '早餐车占用消防通道',
      description: 'd',
      location: { address: '福缘里' },
      deadlines: deadlinesFrom(T0, SLA),
      summonedAt: T0,
    });
  });

  it('OVERDUE says whether it escalated; REOPENED carries the street’s reason; CANCELLED the withdrawal reason', () => {
    const miss: DispatchEvent[] = [
      { type: 'DeadlineMissed', data: { whistleId: W, assignmentId: A, departmentId: FIRE, kind: 'REPORT', dueAt: T0 } },
      { type: 'WhistleEscalated', data: { whistleId: W, assignmentId: A, departmentId: FIRE, kind: 'REPORT', dueAt: T0 } },
    ];
    expect(JSON.parse(departmentMessages(miss, fold([summoned, ...miss]), brief, topic, T0)[0].value)).toMatchObject({ type: 'OVERDUE', kind: 'REPORT', escalated: true });
    const reopen: DispatchEvent = { type: 'DeadlinesChanged', data: { whistleId: W, reason: 'WHISTLE_REOPENED', assignments: [{ assignmentId: A, deadlines: deadlinesFrom(T0, SLA) }] } };
    expect(JSON.parse(departmentMessages([reopen], fold([summoned, reopen]), brief, topic, T0, { reason: '仍有气罐' })[0].value)).toMatchObject({ type: 'REOPENED', reason: '仍有气罐' });
    const cancel: DispatchEvent = { type: 'AssignmentsCancelled', data: { whistleId: W, assignmentIds: [A], reason: '已自行解决' } };
    expect(JSON.parse(departmentMessages([cancel], fold([summoned, cancel]), brief, topic, T0)[0].value)).toMatchObject({ type: 'CANCELLED', reason: '已自行解决' });
  });

  it('closed with the whistle: confirmed → CLOSED (status CLOSED), withdrawn → CANCELLED with the reason; a REJECT carries the moved deadlines', () => {
    const T1 = '2026-11-25T08:10:00.000Z';
    const confirmed: DispatchEvent = { type: 'AssignmentsClosed', data: { whistleId: W, assignmentIds: [A], cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: T1 } };
    const [c] = departmentMessages([confirmed], fold([summoned, confirmed]), brief, topic, T0);
    expect(c.headers).toEqual({ 'message-type': 'CLOSED' });
    expect(JSON.parse(c.value)).toEqual({ type: 'CLOSED', assignmentId: A, whistleId: W, reason: 'WHISTLE_CONFIRMED', closedAt: T1, status: 'CLOSED' });
    const withdrawn: DispatchEvent = { type: 'AssignmentsClosed', data: { whistleId: W, assignmentIds: [A], cause: 'WHISTLE_WITHDRAWN', reason: '已自行解决', closedAt: T1 } };
    expect(JSON.parse(departmentMessages([withdrawn], fold([summoned, withdrawn]), brief, topic, T0)[0].value)).toEqual({ type: 'CANCELLED', assignmentId: A, whistleId: W, reason: '已自行解决', cancelledAt: T1 });
    const moved = deadlinesFrom(T1, SLA);
    const rejected: DispatchEvent = {
      type: 'DisputeResolved',
      data: { whistleId: W, assignmentId: A, departmentId: FIRE, decision: 'REJECT', reason: '属本部门职责', reassignedTo: null, resolvedAt: T1, deadlines: moved, pausedMs: 600000 },
    };
    expect(JSON.parse(departmentMessages([rejected], fold([summoned, rejected]), brief, topic, T1)[0].value)).toEqual({
      type: 'DISPUTE_RESOLVED',
      assignmentId: A,
      whistleId: W,
      decision: 'REJECT',
      reason: '属本部门职责',
      resolvedAt: T1,
      deadlines: moved,
    });
  });
  it('EXTENSION_DECIDED tells the department the decision, and on APPROVE the moved deadlines (contract §11)', () => {
    const requested: DispatchEvent = {
      type: 'ExtensionRequested',
      data: { whistleId: W, assignmentId: A, departmentId: FIRE, requestId: 'e0000000-0000-5000-8000-000000000001', replyId: 'x1', kind: 'COMPLETE', until: '2026-11-27T08:00:00.000Z', reason: '需等待配件', dueAt: '2026-11-26T08:00:00.000Z', requestedAt: T0, at: null, by: null, channel: 'http' },
    };
    const deadlines = { ...deadlinesFrom(T0, SLA), completeBy: '2026-11-27T08:00:00.000Z' };
    const approved: DispatchEvent = {
      type: 'ExtensionDecided',
      data: { whistleId: W, assignmentId: A, departmentId: FIRE, requestId: 'e0000000-0000-5000-8000-000000000001', kind: 'COMPLETE', decision: 'APPROVE', reason: '同意', until: '2026-11-27T08:00:00.000Z', dueAt: '2026-11-26T08:00:00.000Z', decidedAt: T0, deadlines, standing: false },
    };
    expect(departmentMessages([requested], fold([summoned, requested]), brief, topic, T0)).toEqual([]);
    const [m] = departmentMessages([approved], fold([summoned, requested, approved]), brief, topic, T0);
    expect(m.headers).toEqual({ 'message-type': 'EXTENSION_DECIDED' });
    expect(JSON.parse(m.value)).toEqual({
      type: 'EXTENSION_DECIDED',
      assignmentId: A,
      whistleId: W,
      requestId: 'e0000000-0000-5000-8000-000000000001',
      kind: 'COMPLETE',
      decision: 'APPROVE',
      reason: '同意',
      until: '2026-11-27T08:00:00.000Z',
      decidedAt: T0,
      deadlines,
    });
  });
});

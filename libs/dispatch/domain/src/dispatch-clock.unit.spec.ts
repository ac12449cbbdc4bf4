import type { LevelSla } from '@chuishao/dispatch-contracts';
import { DispatchRefusal, fold, type DispatchCommand, type DispatchStreamEvent, type WhistleFact } from './dispatch.decider';
import { deadlinesFrom } from './duration';
import { after, ASSIST, at, given, LEAD, MARKET, OTHER, POLICE, refusal, reply, SLA, summoned, T0, W } from '../test/decider.fixtures';

describe('dispatch decider: closed with the whistle (contract §4)', () => {
  const due = deadlinesFrom(T0, SLA);
  const leadDone = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结', receivedAt: at(10) }));
  const confirm = (minutes: number): DispatchCommand => ({ type: 'Close', whistleId: W, cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: at(minutes) });

  it('given the LEAD completed and an ASSIST open, when the street confirms, then the ASSIST is CLOSED', () => {
    const [e] = given(...leadDone)
      .when(confirm(12))
      .thenMatches([
        { type: 'AssignmentsClosed', data: { assignmentIds: [ASSIST], cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: at(12) } },
        { type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_CONFIRMED', closedAt: at(12) } },
      ]);
    const state = fold([...leadDone, e]);
    expect(state.phase).toBe('RESOLVED');
    expect(state.assignments.find((a) => a.id === ASSIST)).toMatchObject({ status: 'CLOSED', closedAt: at(12) });
    expect(state.assignments.find((a) => a.id === LEAD)?.status).toBe('COMPLETED');
  });

  it('given an ASSIST closed with the whistle, when its later deadlines fall due, then nothing fires', () => {
    const h = after(leadDone, confirm(12));
    for (const kind of ['REPORT', 'ARRIVE', 'COMPLETE'] as const) {
      given(...h).when({ type: 'MissDeadline', assignmentId: ASSIST, kind, dueAt: kind === 'REPORT' ? due.reportBy : kind === 'ARRIVE' ? due.arriveBy : due.completeBy }).thenMatches([]);
    }
    given(...h).when(reply('REPORT', { assignmentId: ASSIST, departmentId: POLICE, replyId: 'late' })).thenThrows(DispatchRefusal, refusal('conflict', /resolved/));
  });

  it('given an ASSIST whose report deadline passed before the closing, when it is judged after it, then that miss stands', () => {
    const h = after(leadDone, confirm(20)); // report deadline at(15) < closing at(20)
    given(...h)
      .when({ type: 'MissDeadline', assignmentId: ASSIST, kind: 'REPORT', dueAt: due.reportBy })
      .thenMatches([{ type: 'DeadlineMissed', data: { assignmentId: ASSIST, kind: 'REPORT' } }, { type: 'WhistleEscalated' }]);
    given(...h).when({ type: 'MissDeadline', assignmentId: ASSIST, kind: 'ARRIVE', dueAt: due.arriveBy }).thenMatches([]);
  });

  it('a deadline due exactly at the closing does not fire (the closing came first)', () => {
    given(...after(leadDone, confirm(15))).when({ type: 'MissDeadline', assignmentId: ASSIST, kind: 'REPORT', dueAt: due.reportBy }).thenMatches([]);
  });

  it('a miss recorded before the withdrawal is kept in the state after it', () => {
    const missed = after([summoned], { type: 'MissDeadline', assignmentId: ASSIST, kind: 'REPORT', dueAt: due.reportBy });
    const state = fold(after(missed, { type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '撤回了', closedAt: at(20) }));
    expect(state.assignments.find((a) => a.id === ASSIST)).toMatchObject({ status: 'CLOSED', missed: { REPORT: due.reportBy }, escalated: true });
  });

  it('a legacy AssignmentsCancelled reads as CLOSED (time unknown: nothing of it fires)', () => {
    const h: Array<DispatchStreamEvent | WhistleFact> = [summoned, { type: 'AssignmentsCancelled', data: { whistleId: W, assignmentIds: [LEAD, ASSIST], reason: '撤回' } }];
    expect(fold(h).assignments.map((a) => a.status)).toEqual(['CLOSED', 'CLOSED']);
    given(...h).when({ type: 'MissDeadline', assignmentId: LEAD, kind: 'REPORT', dueAt: due.reportBy }).thenMatches([]);
  });
});

describe('dispatch decider: the clock stops while DISPUTED (contract §4)', () => {
  const due = deadlinesFrom(T0, SLA); // report at(15), arrive at(30), complete at(24 h)
  const dispute = (minutes: number) => reply('DISPUTE', { note: '应由市场监管负责', receivedAt: at(minutes), replyId: `d-${minutes}` });
  const resolve = (decision: 'UPHOLD' | 'REJECT', minutes: number, reassignTo: string | null = null): DispatchCommand => ({
    type: 'ResolveDispute',
    assignmentId: LEAD,
    decision,
    reason: '经核实，属本部门职责',
    reassignTo,
    newAssignmentId: OTHER,
    now: at(minutes),
  });
  const missReport = (dueAt = due.reportBy): DispatchCommand => ({ type: 'MissDeadline', assignmentId: LEAD, kind: 'REPORT', dueAt });

  it('given a dispute pending, when its deadline (not due at the dispute) falls due, then no DeadlineMissed and no WhistleEscalated', () => {
    const h = after([summoned], dispute(5));
    given(...h).when(missReport()).thenMatches([]);
    given(...h).when({ type: 'MissDeadline', assignmentId: LEAD, kind: 'COMPLETE', dueAt: due.completeBy }).thenMatches([]);
  });

  it('given a deadline already missed before the dispute, when judged while DISPUTED, then that miss stands', () => {
    given(...after([summoned], dispute(20))).when(missReport()).thenMatches([{ type: 'DeadlineMissed' }, { type: 'WhistleEscalated' }]);
  });

  it('given a dispute received with 10 min left, when REJECTed after the deadline would have passed, then the deadline moved by the wait and no miss', () => {
    const h = after([summoned], dispute(5));
    const [e] = given(...h)
      .when(resolve('REJECT', 65))
      .thenMatches([{ type: 'DisputeResolved', data: { decision: 'REJECT', pausedMs: 60 * 60000, deadlines: { reportBy: at(75), arriveBy: at(90), completeBy: at(24 * 60 + 60) } } }]);
    const state = fold([...h, e]);
    expect(state.assignments[0]).toMatchObject({ status: 'SUMMONED', disputedAt: null, deadlines: { reportBy: at(75) } });
    given(...h, e).when(missReport(due.reportBy)).thenMatches([]); // the old time: not due any more
    given(...h, e).when(reply('REPORT', { replyId: 'r2', receivedAt: at(74) })).thenMatches([{ type: 'DepartmentReported' }]);
    given(...h, e).when(missReport(at(75))).thenMatches([{ type: 'DeadlineMissed', data: { dueAt: at(75) } }, { type: 'WhistleEscalated' }]);
  });

  it('given a dispute with 1 s left, when REJECTed, then 1 s is left afterwards', () => {
    const disputedAt = new Date(Date.parse(due.reportBy) - 1000).toISOString();
    const h = after([summoned], reply('DISPUTE', { note: '不属于本部门', receivedAt: disputedAt }));
    const [e] = given(...h).when(resolve('REJECT', 600)).thenMatches([{ type: 'DisputeResolved' }]);
    const d = (e.data as { deadlines: { reportBy: string } }).deadlines;
    expect(Date.parse(d.reportBy) - Date.parse(at(600))).toBe(1000);
  });

  it('given a deadline missed before the dispute, when REJECTed, then it keeps its time; the others move', () => {
    const h = after(after([summoned], dispute(20)), missReport());
    const [e] = given(...h).when(resolve('REJECT', 50)).thenMatches([{ type: 'DisputeResolved' }]);
    expect((e.data as { deadlines: object }).deadlines).toEqual({ reportBy: due.reportBy, arriveBy: at(60), completeBy: at(24 * 60 + 30) });
  });

  it('given the LEAD disputed, when UPHELD with reassignment after its deadline would have passed, then no miss and the new LEAD starts at the decision', () => {
    const h = after([summoned], dispute(5));
    const [e] = given(...h)
      .when(resolve('UPHOLD', 65, MARKET))
      .thenMatches([{ type: 'DisputeResolved', data: { decision: 'UPHOLD', reassignedTo: { assignmentId: OTHER, deadlines: deadlinesFrom(at(65), SLA) } } }]);
    expect((e.data as { deadlines?: unknown }).deadlines).toBeUndefined();
    given(...h, e).when(missReport()).thenMatches([]);
    given(...h, e).when({ type: 'MissDeadline', assignmentId: OTHER, kind: 'REPORT', dueAt: at(80) }).thenMatches([{ type: 'DeadlineMissed', data: { assignmentId: OTHER } }, { type: 'WhistleEscalated' }]);
  });

  it('a triage override keeps the time the clock stood still', () => {
    const h = after(after([summoned], dispute(5)), resolve('REJECT', 65));
    const blue: LevelSla = { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' };
    given(...h)
      .when({ type: 'Override', level: 'BLUE', sla: blue })
      .thenMatches([{ type: 'DeadlinesChanged', data: { assignments: [{ assignmentId: LEAD, deadlines: { reportBy: at(24 * 60 + 60) } }, { assignmentId: ASSIST }] } }]);
  });

  it('a closing while DISPUTED closes it: nothing of it fires afterwards', () => {
    const h = after(after([summoned], dispute(5)), { type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '已解决了', closedAt: at(10) });
    expect(fold(h).assignments[0]).toMatchObject({ status: 'CLOSED', disputedAt: null });
    given(...h).when(missReport()).thenMatches([]);
  });
});

describe('dispatch decider: text is trimmed and NFC-normalised before its rules (contract §10)', () => {
  it('a five-space dispute note, result or dispute-resolution reason is refused', () => {
    given(summoned).when(reply('DISPUTE', { note: '     ' })).thenThrows(DispatchRefusal, refusal('invalid', /note/));
    given(...after([summoned], reply('REPORT'))).when(reply('COMPLETE', { result: '\u3000 \t ' })).thenThrows(DispatchRefusal, refusal('invalid', /result/));
    const disputed = after([summoned], reply('DISPUTE', { note: '非本部门' }));
    given(...disputed)
      .when({ type: 'ResolveDispute', assignmentId: LEAD, decision: 'REJECT', reason: '     ', reassignTo: null, newAssignmentId: OTHER, now: at(9) })
      .thenThrows(DispatchRefusal, refusal('invalid', /reason/));
  });

  it('what is recorded is trimmed and NFC (e + combining acute → é)', () => {
    given(summoned)
      .when(reply('DISPUTE', { note: '  cafe\u0301 非本部门  ' }))
      .thenMatches([{ type: 'AssignmentDisputed', data: { note: 'caf\u00e9 非本部门' } }]);
  });
});

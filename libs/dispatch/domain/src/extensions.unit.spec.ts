import type { DispatchEvent } from '@chuishao/dispatch-contracts';
import { decide, DispatchRefusal, fold, type DispatchCommand, type DispatchStreamEvent, type WhistleFact, type ReplyCommandData } from './dispatch.decider';
import { deadlinesFrom } from './duration';
import { after, ASSIST, at, FIRE, given, LEAD, OTHER, POLICE, refusal, reply, SLA, summoned, T0, W } from '../test/decider.fixtures';

describe('dispatch decider: extension requests (延期申请, contract §11)', () => {
  const due = deadlinesFrom(T0, SLA); // complete by T0 + 24 h = at(1440), arrive by at(30)
  const UNTIL = at(1440 + 600); // ten hours more
  const ask = (over: Partial<NonNullable<ReplyCommandData['extension']>> = {}, reply0: Partial<ReplyCommandData> = {}): DispatchCommand =>
    reply('EXTENSION', { replyId: 'ext-1', receivedAt: at(60), extension: { kind: 'COMPLETE', until: UNTIL, reason: '  需等待燃气公司停气  ', ...over }, ...reply0 });
  const requestIdOf = (h: Array<DispatchStreamEvent | WhistleFact>) => {
    const e = h.findLast((x) => x.type === 'ExtensionRequested');
    return (e as Extract<DispatchEvent, { type: 'ExtensionRequested' }>).data.requestId;
  };
  const decideIt = (h: Array<DispatchStreamEvent | WhistleFact>, decision: 'APPROVE' | 'DENY', minutes: number, reason = '情况属实'): DispatchCommand => ({
    type: 'DecideExtension',
    assignmentId: LEAD,
    requestId: requestIdOf(h),
    decision,
    reason,
    now: at(minutes),
  });
  const missComplete = (dueAt: string): DispatchCommand => ({ type: 'MissDeadline', assignmentId: LEAD, kind: 'COMPLETE', dueAt });
  const reported = after([summoned], reply('REPORT'));

  it('given a reported assignment, when the department asks for more time, then ExtensionRequested (reason trimmed, the deadline in force, a request id of the reply)', () => {
    const [e] = given(...reported)
      .when(ask())
      .thenMatches([{ type: 'ExtensionRequested', data: { assignmentId: LEAD, departmentId: FIRE, kind: 'COMPLETE', until: UNTIL, reason: '需等待燃气公司停气', dueAt: due.completeBy, requestedAt: at(60), replyId: 'ext-1' } }]);
    const requestId = (e.data as { requestId: string }).requestId;
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(decide(ask(), fold(reported))[0].data).toMatchObject({ requestId }); // the same reply names the same request
    const state = fold([...reported, e]);
    expect(state.assignments[0].extensions).toEqual([expect.objectContaining({ requestId, status: 'PENDING' })]);
    given(...reported, e).when(ask()).thenMatches([]); // a replay of the reply: nothing
  });

  it('when the request has no reason (spaces), an until not after the deadline in force, or one already past → invalid (422)', () => {
    given(...reported).when(ask({ reason: ' \u3000 ' })).thenThrows(DispatchRefusal, refusal('invalid', /reason/));
    given(...reported).when(ask({ reason: null })).thenThrows(DispatchRefusal, refusal('invalid', /reason/));
    given(...reported).when(ask({ until: due.completeBy })).thenThrows(DispatchRefusal, refusal('invalid', /after the COMPLETE deadline in force/));
    given(...reported).when(ask({ kind: 'ARRIVE', until: at(20) })).thenThrows(DispatchRefusal, refusal('invalid', /after the ARRIVE deadline/));
    given(...reported).when(ask({ kind: 'ARRIVE', until: at(45) }, { receivedAt: at(50) })).thenThrows(DispatchRefusal, refusal('invalid', /future/));
  });

  it('given a request pending, when the department asks again for the same deadline → conflict; for the other one → a second request', () => {
    const h = after(reported, ask());
    given(...h).when(ask({}, { replyId: 'ext-2' })).thenThrows(DispatchRefusal, refusal('conflict', /already awaits/));
    given(...h).when(ask({ kind: 'ARRIVE', until: at(90) }, { replyId: 'ext-2' })).thenMatches([{ type: 'ExtensionRequested', data: { kind: 'ARRIVE', dueAt: due.arriveBy } }]);
  });

  it('given a request, when the command center approves it in time, then the deadline moves: the old time no longer fires, the new one does', () => {
    const h = after(reported, ask());
    const [decided] = given(...h)
      .when(decideIt(h, 'APPROVE', 120, '  同意延期 '))
      .thenMatches([{ type: 'ExtensionDecided', data: { decision: 'APPROVE', reason: '同意延期', until: UNTIL, dueAt: due.completeBy, standing: false, deadlines: { ...due, completeBy: UNTIL }, decidedAt: at(120) } }]);
    const approved = [...h, decided];
    expect(fold(approved).assignments[0]).toMatchObject({ deadlines: { completeBy: UNTIL }, standing: {} });
    given(...approved).when(missComplete(due.completeBy)).thenMatches([]); // a stale time: moved later
    given(...approved).when(missComplete(UNTIL)).thenMatches([{ type: 'DeadlineMissed', data: { kind: 'COMPLETE', dueAt: UNTIL } }, { type: 'WhistleEscalated' }]);
  });

  it('given a request, when the command center denies it, then nothing moves and the deadline fires at its time', () => {
    const h = after(reported, ask());
    const [denied] = given(...h).when(decideIt(h, 'DENY', 120, '理由不充分')).thenMatches([{ type: 'ExtensionDecided', data: { decision: 'DENY', reason: '理由不充分' } }]);
    expect(denied.data).not.toHaveProperty('deadlines');
    expect(fold([...h, denied]).assignments[0]).toMatchObject({ deadlines: due, extensions: [expect.objectContaining({ status: 'DENIED', decisionReason: '理由不充分' })] });
    given(...h, denied).when(missComplete(due.completeBy)).thenMatches([{ type: 'DeadlineMissed' }, { type: 'WhistleEscalated' }]);
  });

  it('a decided request cannot be decided again (409); an unknown one is not found; a blank reason is invalid', () => {
    const h = after(reported, ask());
    const decided = after(h, decideIt(h, 'DENY', 120));
    given(...decided).when(decideIt(h, 'APPROVE', 130)).thenThrows(DispatchRefusal, refusal('conflict', /already decided/));
    given(...h).when({ ...(decideIt(h, 'APPROVE', 130) as object), requestId: OTHER } as DispatchCommand).thenThrows(DispatchRefusal, refusal('not-found', /no extension request/));
    given(...h).when(decideIt(h, 'APPROVE', 130, '     ')).thenThrows(DispatchRefusal, refusal('invalid', /reason/));
  });

  it('the cap: two approved extensions per assignment; a third request or approval → invalid (422)', () => {
    let h = after(reported, ask());
    h = after(h, decideIt(h, 'APPROVE', 70));
    h = after(h, ask({ kind: 'ARRIVE', until: at(90) }, { replyId: 'ext-2' }));
    h = after(h, decideIt(h, 'APPROVE', 75));
    given(...h).when(ask({ until: at(3000) }, { replyId: 'ext-3' })).thenThrows(DispatchRefusal, refusal('invalid', /2 approved extensions/));
    given(...h).when({ ...(ask({ until: at(3000) }, { replyId: 'ext-3' }) as object), extensionCap: 3 } as DispatchCommand).thenMatches([{ type: 'ExtensionRequested' }]);
    // a request asked while under the cap, approved once the cap was reached → refused too
    let p = after(reported, ask());
    p = after(p, decideIt(p, 'APPROVE', 70)); // COMPLETE, 1 of 2
    p = after(p, ask({ kind: 'ARRIVE', until: at(90) }, { replyId: 'ext-2' }));
    const arrive = requestIdOf(p);
    p = after(p, ask({ until: at(3000) }, { replyId: 'ext-3' })); // COMPLETE again, asked under the cap
    const third = decideIt(p, 'APPROVE', 80);
    p = after(p, { type: 'DecideExtension', assignmentId: LEAD, requestId: arrive, decision: 'APPROVE', reason: '同意', now: at(75) }); // 2 of 2
    given(...p).when(third).thenThrows(DispatchRefusal, refusal('invalid', /2 approved extensions/));
    given(...p).when({ ...(third as object), decision: 'DENY' } as DispatchCommand).thenMatches([{ type: 'ExtensionDecided', data: { decision: 'DENY' } }]);
  });

  it('given an approval after the deadline had fallen due but before it was judged, when the scheduler judges it at its old time, then the miss stands; the new deadline is not judged again', () => {
    const h = after(reported, ask());
    const late = at(1440 + 2); // two minutes after the old complete deadline
    const [decided] = given(...h).when(decideIt(h, 'APPROVE', 1442)).thenMatches([{ type: 'ExtensionDecided', data: { standing: true, dueAt: due.completeBy, deadlines: { ...due, completeBy: UNTIL }, decidedAt: late } }]);
    const approved = [...h, decided];
    expect(fold(approved).assignments[0]).toMatchObject({ deadlines: { completeBy: UNTIL }, standing: { COMPLETE: due.completeBy } });
    const missed = given(...approved).when(missComplete(due.completeBy)).thenMatches([{ type: 'DeadlineMissed', data: { kind: 'COMPLETE', dueAt: due.completeBy } }, { type: 'WhistleEscalated' }]);
    const judged = [...approved, ...missed];
    expect(fold(judged).assignments[0]).toMatchObject({ standing: {}, missed: { COMPLETE: due.completeBy }, deadlines: { completeBy: UNTIL } });
    given(...judged).when(missComplete(UNTIL)).thenMatches([]); // one DeadlineMissed per assignment and kind (contract §4)
  });

  it('given a miss already recorded, when an extension is approved, then the miss stands and the new deadline applies from then on', () => {
    const requested = after(reported, ask());
    const missedFirst = after(requested, missComplete(due.completeBy));
    expect(missedFirst.map((e) => e.type).slice(-2)).toEqual(['DeadlineMissed', 'WhistleEscalated']);
    const [decided] = given(...missedFirst).when(decideIt(requested, 'APPROVE', 1500)).thenMatches([{ type: 'ExtensionDecided', data: { standing: true, deadlines: { completeBy: UNTIL } } }]);
    const a = fold([...missedFirst, decided]).assignments[0];
    expect(a).toMatchObject({ missed: { COMPLETE: due.completeBy }, escalated: true, standing: {}, deadlines: { completeBy: UNTIL } });
    given(...missedFirst, decided).when(missComplete(UNTIL)).thenMatches([]);
    // the department may still complete: on time by the new deadline for its own work, the miss recorded stays in the stream
    given(...missedFirst, decided).when(reply('COMPLETE', { replyId: 'c', result: '已更换管道', receivedAt: at(1600) })).thenMatches([{ type: 'DepartmentCompleted' }]);
  });

  it('a request or a decision on a closed, completed, reassigned or disputed assignment → conflict (409); ARRIVE after arriving → conflict', () => {
    const requested = after(reported, ask());
    const closed = after(requested, { type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '已解决', closedAt: at(90) });
    given(...closed).when(ask({}, { replyId: 'ext-9' })).thenThrows(DispatchRefusal, refusal('conflict', /withdrawn/));
    given(...closed).when(decideIt(requested, 'APPROVE', 100)).thenThrows(DispatchRefusal, refusal('conflict', /withdrawn/));
    const assistClosed = after(after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' })), { type: 'Close', whistleId: W, cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: at(20) });
    given(...assistClosed).when(ask({}, { assignmentId: ASSIST, departmentId: POLICE, replyId: 'ext-p' })).thenThrows(DispatchRefusal, refusal('conflict', /resolved/));
    const completed = after(requested, reply('COMPLETE', { result: '已办结', receivedAt: at(70) }));
    given(...completed).when(ask({ kind: 'ARRIVE', until: at(90) }, { replyId: 'ext-9' })).thenThrows(DispatchRefusal, refusal('conflict', /completed/));
    given(...completed).when(decideIt(requested, 'APPROVE', 100)).thenThrows(DispatchRefusal, refusal('conflict', /completed/));
    const disputed = after(requested, reply('DISPUTE', { note: '非本部门职责', receivedAt: at(65) }));
    given(...disputed).when(decideIt(requested, 'APPROVE', 100)).thenThrows(DispatchRefusal, refusal('conflict', /dispute/));
    const arrived = after(reported, reply('ARRIVE', { receivedAt: at(20) }));
    given(...arrived).when(ask({ kind: 'ARRIVE', until: at(90) })).thenThrows(DispatchRefusal, refusal('conflict', /arrived/));
  });

  it('a triage override keeps an approved extension when it is later than the recomputed deadline', () => {
    const h = after(reported, ask());
    const approved = after(h, decideIt(h, 'APPROVE', 120));
    const [changed] = given(...approved).when({ type: 'Override', level: 'YELLOW', sla: { report: 'PT2H', arrive: 'PT24H', complete: 'PT72H' } }).thenMatches([{ type: 'DeadlinesChanged' }]);
    const lead = (changed.data as { assignments: Array<{ assignmentId: string; deadlines: { completeBy: string } }> }).assignments.find((x) => x.assignmentId === LEAD);
    expect(lead?.deadlines.completeBy).toBe(at(72 * 60)); // 72 h is later than the extension
    const [down] = given(...approved).when({ type: 'Override', level: 'RED', sla: { report: 'PT5M', arrive: 'PT10M', complete: 'PT1H' } }).thenMatches([{ type: 'DeadlinesChanged' }]);
    expect((down.data as { assignments: Array<{ assignmentId: string; deadlines: { completeBy: string } }> }).assignments.find((x) => x.assignmentId === LEAD)?.deadlines.completeBy).toBe(UNTIL);
  });
});

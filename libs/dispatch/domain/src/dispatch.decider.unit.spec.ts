import type { DispatchEvent, LevelSla } from '@chuishao/dispatch-contracts';
import { DeciderSpecification } from '@chuishao/testing';
import {
  decide,
  DispatchRefusal,
  evolve,
  fold,
  INITIAL_DISPATCH_STATE,
  type DispatchCommand,
  type DispatchState,
  type DispatchStreamEvent,
  type ReplyCommandData,
  type SummonCommand,
  type WhistleFact,
  withLegacyClosing,
} from './dispatch.decider';
import { deadlinesFrom, durationMs, isoDuration, slaFromDeadlines } from './duration';

const W = 'a0000000-0000-4000-8000-000000000001';
const LEAD = 'b0000000-0000-4000-8000-000000000001';
const ASSIST = 'b0000000-0000-4000-8000-000000000002';
const OTHER = 'b0000000-0000-4000-8000-000000000003';
const FIRE = 'd0000000-0000-4000-8000-000000000001';
const POLICE = 'd0000000-0000-4000-8000-000000000002';
const MARKET = 'd0000000-0000-4000-8000-000000000003';
const T0 = '2026-11-25T08:00:00.000Z';
const SLA: LevelSla = { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' };
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60000).toISOString();

const summoned: DispatchEvent = {
  type: 'DepartmentsSummoned',
  data: {
    whistleId: W,
    level: 'RED',
    summonedAt: T0,
    sla: SLA,
    assignments: [
      { assignmentId: LEAD, departmentId: FIRE, role: 'LEAD', deadlines: deadlinesFrom(T0, SLA) },
      { assignmentId: ASSIST, departmentId: POLICE, role: 'ASSIST', deadlines: deadlinesFrom(T0, SLA) },
    ],
  },
};

function reply(type: ReplyCommandData['type'], over: Partial<ReplyCommandData> = {}): DispatchCommand {
  return {
    type: 'ApplyReply',
    reply: {
      replyId: `${type}-1`,
      assignmentId: LEAD,
      departmentId: FIRE,
      type,
      at: null,
      by: { name: '张三' },
      note: null,
      result: null,
      receivedAt: at(5),
      channel: 'kafka',
      ...over,
    },
  };
}

/** given(events).when(command).thenMatches(events) | thenThrows(DispatchRefusal, refusal(kind, reason)) */
const spec = DeciderSpecification.for<DispatchState, DispatchCommand, DispatchStreamEvent | WhistleFact>({ decide, evolve, initialState: () => INITIAL_DISPATCH_STATE });
const given = spec.given;
const refusal = (kind: DispatchRefusal['kind'], reason: RegExp) => (e: DispatchRefusal) => {
  expect(e.kind).toBe(kind);
  expect(e.reason).toMatch(reason);
};

/** The events a command produces when applied on top of history (for building histories). */
function after(history: Array<DispatchStreamEvent | WhistleFact>, command: DispatchCommand): Array<DispatchStreamEvent | WhistleFact> {
  return [...history, ...decide(command, fold(history))];
}

describe('dispatch decider: replies', () => {
  it('REPORT on a summoned assignment → DepartmentReported with receipt time and claim kept', () => {
    given(summoned)
      .when(reply('REPORT', { at: '2026-11-25T07:59:00+08:00' }))
      .thenMatches([{ type: 'DepartmentReported', data: { whistleId: W, assignmentId: LEAD, departmentId: FIRE, at: '2026-11-25T07:59:00+08:00', receivedAt: at(5), channel: 'kafka', by: { name: '张三' } } }]);
  });

  it('the same replyId again → nothing (idempotent), even after the whistle closed', () => {
    const h = after([summoned], reply('REPORT'));
    given(...h).when(reply('REPORT')).thenMatches([]);
    given(...h, { type: 'WhistleWithdrawn' }).when(reply('REPORT')).thenMatches([]);
  });

  it('unknown assignment → not-found; another department’s assignment → forbidden', () => {
    given(summoned).when(reply('REPORT', { assignmentId: OTHER })).thenThrows(DispatchRefusal, refusal('not-found', /unknown assignment/));
    given(summoned).when(reply('REPORT', { departmentId: MARKET })).thenThrows(DispatchRefusal, refusal('forbidden', /another department/));
  });

  it.each(['ARRIVE', 'PROGRESS', 'COMPLETE'] as const)('%s before REPORT → refused (REPORT must come first)', (type) => {
    given(summoned).when(reply(type, { result: '已清理' })).thenThrows(DispatchRefusal, refusal('conflict', new RegExp(`${type} before REPORT`)));
  });

  it('ARRIVE, PROGRESS, COMPLETE after REPORT → applied in order', () => {
    let h = after([summoned], reply('REPORT'));
    given(...h).when(reply('ARRIVE', { receivedAt: at(20) })).thenMatches([{ type: 'DepartmentArrived', data: { receivedAt: at(20) } }]);
    h = after(h, reply('ARRIVE', { receivedAt: at(20) }));
    h = after(h, reply('PROGRESS', { note: '正在疏导' }));
    given(...h)
      .when(reply('COMPLETE', { result: '通道已清理，气罐已移走' }))
      .thenMatches([{ type: 'DepartmentCompleted', data: { result: '通道已清理，气罐已移走' } }]);
  });

  it('a second REPORT or ARRIVE (new replyId) → refused', () => {
    const h = after(after([summoned], reply('REPORT')), reply('ARRIVE'));
    given(...h).when(reply('REPORT', { replyId: 'r2' })).thenThrows(DispatchRefusal, refusal('conflict', /already reported/));
    given(...h).when(reply('ARRIVE', { replyId: 'a2' })).thenThrows(DispatchRefusal, refusal('conflict', /already arrived/));
  });

  it('DISPUTE needs a note; COMPLETE needs a result (invalid)', () => {
    given(summoned).when(reply('DISPUTE', { note: '  ' })).thenThrows(DispatchRefusal, refusal('invalid', /note/));
    given(...after([summoned], reply('REPORT'))).when(reply('COMPLETE')).thenThrows(DispatchRefusal, refusal('invalid', /result/));
  });

  it('DISPUTE is allowed before REPORT; replies while disputed are refused', () => {
    const h = after([summoned], reply('DISPUTE', { note: '不属于本部门职责' }));
    expect(h.at(-1)).toMatchObject({ type: 'AssignmentDisputed', data: { note: '不属于本部门职责' } });
    given(...h).when(reply('REPORT')).thenThrows(DispatchRefusal, refusal('conflict', /dispute/));
  });

  it('replies to a withdrawn or resolved whistle, or a closed/completed assignment → refused', () => {
    given(summoned, { type: 'WhistleWithdrawn' }).when(reply('REPORT')).thenThrows(DispatchRefusal, refusal('conflict', /withdrawn/));
    given(summoned, { type: 'WhistleConfirmed' }).when(reply('REPORT')).thenThrows(DispatchRefusal, refusal('conflict', /resolved/));
    const closed = after([summoned], { type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '重复上报', closedAt: at(3) });
    given(...closed).when(reply('REPORT')).thenThrows(DispatchRefusal, refusal('conflict', /withdrawn/));
    const done = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    given(...done).when(reply('PROGRESS', { note: 'x' })).thenThrows(DispatchRefusal, refusal('conflict', /completed/));
  });
});

describe('dispatch decider: disputes', () => {
  const disputed = after([summoned], reply('DISPUTE', { note: '应由市场监管负责' }));
  const resolve = (over: Partial<Extract<DispatchCommand, { type: 'ResolveDispute' }>>): DispatchCommand => ({
    type: 'ResolveDispute',
    assignmentId: LEAD,
    decision: 'UPHOLD',
    reason: '情况属实',
    reassignTo: MARKET,
    newAssignmentId: OTHER,
    now: at(60),
    ...over,
  });

  it('UPHOLD of the LEAD → DisputeResolved with a new LEAD assignment, deadlines from now', () => {
    const [e] = given(...disputed)
      .when(resolve({}))
      .thenMatches([{ type: 'DisputeResolved', data: { decision: 'UPHOLD', reassignedTo: { assignmentId: OTHER, departmentId: MARKET, role: 'LEAD', deadlines: deadlinesFrom(at(60), SLA) } } }]);
    const state = fold([...disputed, e]);
    expect(state.assignments.find((a) => a.id === LEAD)?.status).toBe('REASSIGNED');
    expect(state.assignments.find((a) => a.id === OTHER)).toMatchObject({ status: 'SUMMONED', departmentId: MARKET, role: 'LEAD', summonedAt: at(60) });
  });

  it('UPHOLD of the LEAD without reassignTo, or to the same department → invalid', () => {
    given(...disputed).when(resolve({ reassignTo: null })).thenThrows(DispatchRefusal, refusal('invalid', /reassignTo/));
    given(...disputed).when(resolve({ reassignTo: FIRE })).thenThrows(DispatchRefusal, refusal('invalid', /another department/));
    given(...disputed).when(resolve({ reason: '' })).thenThrows(DispatchRefusal, refusal('invalid', /reason/));
  });

  it('REJECT → back to work; resolving an assignment that is not disputed → conflict', () => {
    const h = after(disputed, resolve({ decision: 'REJECT', reassignTo: null }));
    const state = fold(h);
    expect(state.assignments[0].status).toBe('SUMMONED');
    given(...h).when(reply('REPORT', { replyId: 'again' })).thenMatches([{ type: 'DepartmentReported' }]);
    given(summoned).when(resolve({})).thenThrows(DispatchRefusal, refusal('conflict', /not DISPUTED/));
  });

  it('UPHOLD of an ASSIST needs no reassignment', () => {
    const h = after([summoned], reply('DISPUTE', { assignmentId: ASSIST, departmentId: POLICE, note: '非本部门职责' }));
    given(...h)
      .when(resolve({ assignmentId: ASSIST, reassignTo: null }))
      .thenMatches([{ type: 'DisputeResolved', data: { reassignedTo: null } }]);
  });
});

describe('dispatch decider: deadlines', () => {
  const due = deadlinesFrom(T0, SLA);
  const miss = (kind: 'REPORT' | 'ARRIVE' | 'COMPLETE', assignmentId = LEAD): DispatchCommand => ({
    type: 'MissDeadline',
    assignmentId,
    kind,
    dueAt: kind === 'REPORT' ? due.reportBy : kind === 'ARRIVE' ? due.arriveBy : due.completeBy,
  });

  it('not reported by the report deadline → DeadlineMissed and, first time, WhistleEscalated', () => {
    given(summoned)
      .when(miss('REPORT'))
      .thenMatches([
        { type: 'DeadlineMissed', data: { assignmentId: LEAD, kind: 'REPORT', dueAt: due.reportBy, departmentId: FIRE } },
        { type: 'WhistleEscalated', data: { assignmentId: LEAD } },
      ]);
  });

  it('exactly one per assignment and kind; only the first miss escalates', () => {
    const h = after([summoned], miss('REPORT'));
    given(...h).when(miss('REPORT')).thenMatches([]);
    given(...h).when(miss('ARRIVE')).thenMatches([{ type: 'DeadlineMissed' }]);
  });

  it('judged by receipt time: reported in time → met; reported late → still missed', () => {
    given(...after([summoned], reply('REPORT', { receivedAt: at(14) }))).when(miss('REPORT')).thenMatches([]);
    given(...after([summoned], reply('REPORT', { receivedAt: at(16) }))).when(miss('REPORT')).thenMatches([{ type: 'DeadlineMissed' }, { type: 'WhistleEscalated' }]);
  });

  it('a completion before the arrive deadline satisfies it; cancelled or closed → nothing', () => {
    const done = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结', receivedAt: at(10) }));
    given(...done).when(miss('ARRIVE')).thenMatches([]);
    given(...after([summoned], { type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '撤回', closedAt: at(3) })).when(miss('REPORT')).thenMatches([]);
    given(summoned, { type: 'WhistleConfirmed' }).when(miss('REPORT')).thenMatches([]);
  });
});

describe('dispatch decider: whistle facts', () => {
  it('Close (withdrawn) → AssignmentsClosed for the open assignments only, reason trimmed, and the closing in the stream', () => {
    const h = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    given(...h)
      .when({ type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '  问题已自行解决 ', closedAt: at(30) })
      .thenMatches([
        { type: 'AssignmentsClosed', data: { assignmentIds: [ASSIST], cause: 'WHISTLE_WITHDRAWN', reason: '问题已自行解决', closedAt: at(30) } },
        { type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_WITHDRAWN', closedAt: at(30) } },
      ]);
    given(...h, { type: 'WhistleWithdrawn' }).when({ type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: 'again', closedAt: at(31) }).thenMatches([]);
  });

  it('Reopen → new complete deadline from now; completed assignments back to work; COMPLETE judged again', () => {
    const h = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    const [e] = given(...h)
      .when({ type: 'Reopen', reason: '群众反映仍有气罐', now: at(120) })
      .thenMatches([{ type: 'DeadlinesChanged', data: { reason: 'WHISTLE_REOPENED' } }]);
    const changed = e.data as { assignments: Array<{ deadlines: { completeBy: string; reportBy: string } }> };
    expect(changed.assignments).toHaveLength(2);
    expect(changed.assignments[0].deadlines).toMatchObject({ reportBy: due().reportBy, completeBy: at(120 + 24 * 60) });
    const state = fold([...h, e]);
    expect(state.phase).toBe('REOPENED');
    expect(state.assignments[0]).toMatchObject({ status: 'IN_PROGRESS', completedAt: null });
    given(...h, e).when(reply('COMPLETE', { replyId: 'c2', result: '彻底清理' })).thenMatches([{ type: 'DepartmentCompleted' }]);
    function due() {
      return deadlinesFrom(T0, SLA);
    }
  });

  it('Override → deadlines of open assignments recomputed from their summonedAt with the new SLA', () => {
    const blue: LevelSla = { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' };
    const h = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    given(...h)
      .when({ type: 'Override', level: 'BLUE', sla: blue })
      .thenMatches([{ type: 'DeadlinesChanged', data: { reason: 'TRIAGE_OVERRIDDEN', level: 'BLUE', assignments: [{ assignmentId: ASSIST, deadlines: deadlinesFrom(T0, blue) }] } }]);
  });
});

describe('dispatch decider: summons (routing, contract §4)', () => {
  const ids = () => {
    let n = 0;
    return () => `c0000000-0000-4000-8000-00000000000${++n}`;
  };
  const summon = (over: Partial<SummonCommand> = {}): DispatchCommand => ({
    type: 'Summon',
    whistleId: W,
    level: 'RED',
    sla: SLA,
    requestedDepartments: [],
    situation: { leadDepartment: FIRE, assistDepartments: [POLICE, FIRE] },
    now: T0,
    newId: ids(),
    ...over,
  });

  it('given a triaged whistle, when summoned, then its situation’s lead and assists (duplicates dropped) with the SLA’s deadlines from now, the SLA kept', () => {
    given()
      .when(summon())
      .then([
        {
          type: 'DepartmentsSummoned',
          data: {
            whistleId: W,
            level: 'RED',
            summonedAt: T0,
            sla: SLA,
            assignments: [
              { assignmentId: 'c0000000-0000-4000-8000-000000000001', departmentId: FIRE, role: 'LEAD', deadlines: deadlinesFrom(T0, SLA) },
              { assignmentId: 'c0000000-0000-4000-8000-000000000002', departmentId: POLICE, role: 'ASSIST', deadlines: deadlinesFrom(T0, SLA) },
            ],
          },
        },
      ]);
  });

  it('the departments the street requested come first: the first is LEAD', () => {
    given()
      .when(summon({ requestedDepartments: [MARKET, POLICE] }))
      .thenMatches([{ type: 'DepartmentsSummoned', data: { assignments: [{ departmentId: MARKET, role: 'LEAD' }, { departmentId: POLICE, role: 'ASSIST' }] } }]);
  });

  it('summoned already (a second WhistleTriaged) → nothing', () => {
    given(summoned).when(summon()).thenMatches([]);
  });

  it('withdrawn before it was triaged → nobody summoned: the closing is in the stream, or (legacy) in the brief', () => {
    given({ type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_WITHDRAWN', closedAt: at(-1) } }).when(summon()).thenMatches([]);
    given({ type: 'WhistleWithdrawn' }).when(summon()).thenMatches([]);
  });
});

describe('dispatch decider: the closing recorded in its own stream', () => {
  it('nobody summoned yet, when the whistle is withdrawn → WhistleClosed alone; again → nothing', () => {
    given().when({ type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '误报', closedAt: at(1) }).then([
      { type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_WITHDRAWN', closedAt: at(1) } },
    ]);
    given({ type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_WITHDRAWN', closedAt: at(1) } })
      .when({ type: 'Close', whistleId: W, cause: 'WHISTLE_WITHDRAWN', reason: '误报', closedAt: at(2) })
      .thenMatches([]);
  });

  it('every assignment completed, when the street confirms → WhistleClosed alone, and replies are refused after it', () => {
    const done = after(after(after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' })), reply('REPORT', { replyId: 'r-a', assignmentId: ASSIST, departmentId: POLICE })), reply('COMPLETE', { replyId: 'c-a', assignmentId: ASSIST, departmentId: POLICE, result: '已办结' }));
    given(...done).when({ type: 'Close', whistleId: W, cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: at(40) }).then([
      { type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_CONFIRMED', closedAt: at(40) } },
    ]);
    const closed = after(done, { type: 'Close', whistleId: W, cause: 'WHISTLE_CONFIRMED', reason: null, closedAt: at(40) });
    expect(fold(closed)).toMatchObject({ phase: 'RESOLVED', closedAt: at(40) });
    given(...closed).when(reply('PROGRESS', { replyId: 'late', note: 'x' })).thenThrows(DispatchRefusal, refusal('conflict', /resolved/));
  });

  it('a legacy stream (no WhistleClosed) takes its closing from the brief; a stream with one keeps its own', () => {
    expect(withLegacyClosing(fold([summoned]), 'WITHDRAWN').phase).toBe('WITHDRAWN');
    expect(withLegacyClosing(fold([summoned]), 'OPEN').phase).toBe('OPEN');
    const confirmed = fold([summoned, { type: 'WhistleClosed', data: { whistleId: W, cause: 'WHISTLE_CONFIRMED', closedAt: at(9) } }]);
    expect(withLegacyClosing(confirmed, 'WITHDRAWN')).toMatchObject({ phase: 'RESOLVED', closedAt: at(9) });
  });
});

describe('durations', () => {
  it('parses and prints ISO 8601 durations; derives an SLA from deadlines', () => {
    expect(durationMs('PT2S')).toBe(2000);
    expect(durationMs('P7D')).toBe(7 * 24 * 3600 * 1000);
    expect(isoDuration(90 * 60000)).toBe('PT1H30M');
    expect(slaFromDeadlines(T0, deadlinesFrom(T0, SLA))).toEqual(SLA);
    expect(() => durationMs('15 minutes')).toThrow();
  });
});

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

import type { LevelSla } from '@chuishao/dispatch-contracts';
import { DispatchRefusal, fold, type DispatchCommand, type SummonCommand, withLegacyClosing } from './dispatch.decider';
import { deadlinesFrom, durationMs, isoDuration, slaFromDeadlines } from './duration';
import { after, ASSIST, at, FIRE, given, LEAD, MARKET, OTHER, POLICE, refusal, reply, SLA, summoned, T0, W } from '../test/decider.fixtures';

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

import type { DispatchEvent, LevelSla } from '@chuishao/dispatch-contracts';
import {
  decide,
  DispatchRefusal,
  fold,
  type DispatchCommand,
  type ReplyCommandData,
  type WhistleFact,
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

/** given(events).when(command).then(events | refusal) */
function given(...history: Array<DispatchEvent | WhistleFact>) {
  const state = fold(history);
  return {
    when(command: DispatchCommand) {
      const run = () => decide(command, state);
      return {
        then(expected: Array<{ type: string; data?: Record<string, unknown> }>) {
          const events = run();
          expect(events.map((e) => e.type)).toEqual(expected.map((e) => e.type));
          expected.forEach((e, i) => {
            if (e.data) expect(events[i].data).toMatchObject(e.data);
          });
          return events;
        },
        thenRefused(kind: DispatchRefusal['kind'], reason: RegExp) {
          let caught: unknown;
          try {
            run();
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(DispatchRefusal);
          expect((caught as DispatchRefusal).kind).toBe(kind);
          expect((caught as DispatchRefusal).reason).toMatch(reason);
        },
      };
    },
  };
}

/** The events a command produces when applied on top of history (for building histories). */
function after(history: Array<DispatchEvent | WhistleFact>, command: DispatchCommand): Array<DispatchEvent | WhistleFact> {
  return [...history, ...decide(command, fold(history))];
}

describe('dispatch decider: replies', () => {
  it('REPORT on a summoned assignment → DepartmentReported with receipt time and claim kept', () => {
    given(summoned)
      .when(reply('REPORT', { at: '2026-11-25T07:59:00+08:00' }))
      .then([{ type: 'DepartmentReported', data: { whistleId: W, assignmentId: LEAD, departmentId: FIRE, at: '2026-11-25T07:59:00+08:00', receivedAt: at(5), channel: 'kafka', by: { name: '张三' } } }]);
  });

  it('the same replyId again → nothing (idempotent), even after the whistle closed', () => {
    const h = after([summoned], reply('REPORT'));
    given(...h).when(reply('REPORT')).then([]);
    given(...h, { type: 'WhistleWithdrawn' }).when(reply('REPORT')).then([]);
  });

  it('unknown assignment → not-found; another department’s assignment → forbidden', () => {
    given(summoned).when(reply('REPORT', { assignmentId: OTHER })).thenRefused('not-found', /unknown assignment/);
    given(summoned).when(reply('REPORT', { departmentId: MARKET })).thenRefused('forbidden', /another department/);
  });

  it.each(['ARRIVE', 'PROGRESS', 'COMPLETE'] as const)('%s before REPORT → refused (REPORT must come first)', (type) => {
    given(summoned).when(reply(type, { result: '已清理' })).thenRefused('conflict', new RegExp(`${type} before REPORT`));
  });

  it('ARRIVE, PROGRESS, COMPLETE after REPORT → applied in order', () => {
    let h = after([summoned], reply('REPORT'));
    given(...h).when(reply('ARRIVE', { receivedAt: at(20) })).then([{ type: 'DepartmentArrived', data: { receivedAt: at(20) } }]);
    h = after(h, reply('ARRIVE', { receivedAt: at(20) }));
    h = after(h, reply('PROGRESS', { note: '正在疏导' }));
    given(...h)
      .when(reply('COMPLETE', { result: '通道已清理，气罐已移走' }))
      .then([{ type: 'DepartmentCompleted', data: { result: '通道已清理，气罐已移走' } }]);
  });

  it('a second REPORT or ARRIVE (new replyId) → refused', () => {
    const h = after(after([summoned], reply('REPORT')), reply('ARRIVE'));
    given(...h).when(reply('REPORT', { replyId: 'r2' })).thenRefused('conflict', /already reported/);
    given(...h).when(reply('ARRIVE', { replyId: 'a2' })).thenRefused('conflict', /already arrived/);
  });

  it('DISPUTE needs a note; COMPLETE needs a result (invalid)', () => {
    given(summoned).when(reply('DISPUTE', { note: '  ' })).thenRefused('invalid', /note/);
    given(...after([summoned], reply('REPORT'))).when(reply('COMPLETE')).thenRefused('invalid', /result/);
  });

  it('DISPUTE is allowed before REPORT; replies while disputed are refused', () => {
    const h = after([summoned], reply('DISPUTE', { note: '不属于本部门职责' }));
    expect(h.at(-1)).toMatchObject({ type: 'AssignmentDisputed', data: { note: '不属于本部门职责' } });
    given(...h).when(reply('REPORT')).thenRefused('conflict', /dispute/);
  });

  it('replies to a withdrawn or resolved whistle, or a cancelled/completed assignment → refused', () => {
    given(summoned, { type: 'WhistleWithdrawn' }).when(reply('REPORT')).thenRefused('conflict', /withdrawn/);
    given(summoned, { type: 'WhistleConfirmed' }).when(reply('REPORT')).thenRefused('conflict', /resolved/);
    const cancelled = after([summoned], { type: 'Withdraw', reason: '重复上报' });
    given(...cancelled).when(reply('REPORT')).thenRefused('conflict', /cancelled/);
    const done = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    given(...done).when(reply('PROGRESS', { note: 'x' })).thenRefused('conflict', /completed/);
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
      .then([{ type: 'DisputeResolved', data: { decision: 'UPHOLD', reassignedTo: { assignmentId: OTHER, departmentId: MARKET, role: 'LEAD', deadlines: deadlinesFrom(at(60), SLA) } } }]);
    const state = fold([...disputed, e]);
    expect(state.assignments.find((a) => a.id === LEAD)?.status).toBe('REASSIGNED');
    expect(state.assignments.find((a) => a.id === OTHER)).toMatchObject({ status: 'SUMMONED', departmentId: MARKET, role: 'LEAD', summonedAt: at(60) });
  });

  it('UPHOLD of the LEAD without reassignTo, or to the same department → invalid', () => {
    given(...disputed).when(resolve({ reassignTo: null })).thenRefused('invalid', /reassignTo/);
    given(...disputed).when(resolve({ reassignTo: FIRE })).thenRefused('invalid', /another department/);
    given(...disputed).when(resolve({ reason: '' })).thenRefused('invalid', /reason/);
  });

  it('REJECT → back to work; resolving an assignment that is not disputed → conflict', () => {
    const h = after(disputed, resolve({ decision: 'REJECT', reassignTo: null }));
    const state = fold(h);
    expect(state.assignments[0].status).toBe('SUMMONED');
    given(...h).when(reply('REPORT', { replyId: 'again' })).then([{ type: 'DepartmentReported' }]);
    given(summoned).when(resolve({})).thenRefused('conflict', /not DISPUTED/);
  });

  it('UPHOLD of an ASSIST needs no reassignment', () => {
    const h = after([summoned], reply('DISPUTE', { assignmentId: ASSIST, departmentId: POLICE, note: '非本部门职责' }));
    given(...h)
      .when(resolve({ assignmentId: ASSIST, reassignTo: null }))
      .then([{ type: 'DisputeResolved', data: { reassignedTo: null } }]);
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
      .then([
        { type: 'DeadlineMissed', data: { assignmentId: LEAD, kind: 'REPORT', dueAt: due.reportBy, departmentId: FIRE } },
        { type: 'WhistleEscalated', data: { assignmentId: LEAD } },
      ]);
  });

  it('exactly one per assignment and kind; only the first miss escalates', () => {
    const h = after([summoned], miss('REPORT'));
    given(...h).when(miss('REPORT')).then([]);
    given(...h).when(miss('ARRIVE')).then([{ type: 'DeadlineMissed' }]);
  });

  it('judged by receipt time: reported in time → met; reported late → still missed', () => {
    given(...after([summoned], reply('REPORT', { receivedAt: at(14) }))).when(miss('REPORT')).then([]);
    given(...after([summoned], reply('REPORT', { receivedAt: at(16) }))).when(miss('REPORT')).then([{ type: 'DeadlineMissed' }, { type: 'WhistleEscalated' }]);
  });

  it('a completion before the arrive deadline satisfies it; cancelled or closed → nothing', () => {
    const done = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结', receivedAt: at(10) }));
    given(...done).when(miss('ARRIVE')).then([]);
    given(...after([summoned], { type: 'Withdraw', reason: '撤回' })).when(miss('REPORT')).then([]);
    given(summoned, { type: 'WhistleConfirmed' }).when(miss('REPORT')).then([]);
  });
});

describe('dispatch decider: whistle facts', () => {
  it('Withdraw → AssignmentsCancelled for the open assignments only', () => {
    const h = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    given(...h)
      .when({ type: 'Withdraw', reason: '问题已自行解决' })
      .then([{ type: 'AssignmentsCancelled', data: { assignmentIds: [ASSIST], reason: '问题已自行解决' } }]);
    given(...h, { type: 'WhistleWithdrawn' }).when({ type: 'Withdraw', reason: 'again' }).then([]);
  });

  it('Reopen → new complete deadline from now; completed assignments back to work; COMPLETE judged again', () => {
    const h = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    const [e] = given(...h)
      .when({ type: 'Reopen', reason: '群众反映仍有气罐', now: at(120) })
      .then([{ type: 'DeadlinesChanged', data: { reason: 'WHISTLE_REOPENED' } }]);
    const changed = e.data as { assignments: Array<{ deadlines: { completeBy: string; reportBy: string } }> };
    expect(changed.assignments).toHaveLength(2);
    expect(changed.assignments[0].deadlines).toMatchObject({ reportBy: due().reportBy, completeBy: at(120 + 24 * 60) });
    const state = fold([...h, e]);
    expect(state.phase).toBe('REOPENED');
    expect(state.assignments[0]).toMatchObject({ status: 'IN_PROGRESS', completedAt: null });
    given(...h, e).when(reply('COMPLETE', { replyId: 'c2', result: '彻底清理' })).then([{ type: 'DepartmentCompleted' }]);
    function due() {
      return deadlinesFrom(T0, SLA);
    }
  });

  it('Override → deadlines of open assignments recomputed from their summonedAt with the new SLA', () => {
    const blue: LevelSla = { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' };
    const h = after(after([summoned], reply('REPORT')), reply('COMPLETE', { result: '已办结' }));
    given(...h)
      .when({ type: 'Override', level: 'BLUE', sla: blue })
      .then([{ type: 'DeadlinesChanged', data: { reason: 'TRIAGE_OVERRIDDEN', level: 'BLUE', assignments: [{ assignmentId: ASSIST, deadlines: deadlinesFrom(T0, blue) }] } }]);
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

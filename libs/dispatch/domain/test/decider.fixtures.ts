import type { DispatchEvent, LevelSla } from '@chuishao/dispatch-contracts';
import { DeciderSpecification } from '@chuishao/testing';
import { decide, evolve, fold, INITIAL_DISPATCH_STATE, type DispatchCommand, type DispatchRefusal, type DispatchState, type DispatchStreamEvent, type ReplyCommandData, type WhistleFact } from '../src/dispatch.decider';
import { deadlinesFrom } from '../src/duration';

/** The whistle, assignments, departments, times and given/when/then of the dispatch decider's tests. */
export const W = 'a0000000-0000-4000-8000-000000000001';
export const LEAD = 'b0000000-0000-4000-8000-000000000001';
export const ASSIST = 'b0000000-0000-4000-8000-000000000002';
export const OTHER = 'b0000000-0000-4000-8000-000000000003';
export const FIRE = 'd0000000-0000-4000-8000-000000000001';
export const POLICE = 'd0000000-0000-4000-8000-000000000002';
export const MARKET = 'd0000000-0000-4000-8000-000000000003';
export const T0 = '2026-11-25T08:00:00.000Z';
export const SLA: LevelSla = { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' };
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60000).toISOString();

export const summoned: DispatchEvent = {
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

export function reply(type: ReplyCommandData['type'], over: Partial<ReplyCommandData> = {}): DispatchCommand {
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
export const spec = DeciderSpecification.for<DispatchState, DispatchCommand, DispatchStreamEvent | WhistleFact>({ decide, evolve, initialState: () => INITIAL_DISPATCH_STATE });
export const given = spec.given;
export const refusal = (kind: DispatchRefusal['kind'], reason: RegExp) => (e: DispatchRefusal) => {
  expect(e.kind).toBe(kind);
  expect(e.reason).toMatch(reason);
};

/** The events a command produces when applied on top of history (for building histories). */
export function after(history: Array<DispatchStreamEvent | WhistleFact>, command: DispatchCommand): Array<DispatchStreamEvent | WhistleFact> {
  return [...history, ...decide(command, fold(history))];
}

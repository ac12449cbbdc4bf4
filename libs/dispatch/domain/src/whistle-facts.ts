import type { Level } from '@chuishao/contracts';
import type { LevelSla } from '@chuishao/dispatch-contracts';
import { deadlinesFrom } from './duration';
import { shift } from './deadlines';
import { keepExtensions } from './extensions';
import { clean } from './refusal';
import { currentSla, isClosed, LIVE_STATUSES, OPEN_STATUSES, type DispatchState, type DispatchStreamEvent } from './dispatch.state';

/**
 * What dispatch decides when the street or the command center changes the whistle:
 * - Close (confirmed / withdrawn): the closing recorded in dispatch's stream (WhistleClosed) — also
 *   when nobody was summoned yet, so that a later summons is refused — and the assignments still
 *   open become CLOSED (AssignmentsClosed at the whistle event's time): a deadline due at or after
 *   the closing never fires; one due before it is judged as usual (a miss before it stands).
 * - Reopen: live assignments back to work with a new complete deadline from now.
 * - Override: open assignments' deadlines recomputed from their summons with the new SLA.
 */
export type WhistleFactCommand =
  | { type: 'Reopen'; reason: string; now: string }
  | { type: 'Close'; whistleId: string; cause: 'WHISTLE_CONFIRMED' | 'WHISTLE_WITHDRAWN'; reason: string | null; closedAt: string }
  | { type: 'Override'; level: Level; sla: LevelSla };

export function close(command: Extract<WhistleFactCommand, { type: 'Close' }>, state: DispatchState): DispatchStreamEvent[] {
  if (isClosed(state)) return []; // closed already (a redelivery)
  const whistleId = state.whistleId ?? command.whistleId;
  const open = state.assignments.filter((a) => OPEN_STATUSES.includes(a.status));
  const closed: DispatchStreamEvent = { type: 'WhistleClosed', data: { whistleId, cause: command.cause, closedAt: command.closedAt } };
  if (open.length === 0) return [closed];
  return [
    {
      type: 'AssignmentsClosed',
      data: { whistleId, assignmentIds: open.map((a) => a.id), cause: command.cause, reason: clean(command.reason), closedAt: command.closedAt },
    },
    closed,
  ];
}

export function reopen(command: Extract<WhistleFactCommand, { type: 'Reopen' }>, state: DispatchState): DispatchStreamEvent[] {
  if (!state.whistleId || isClosed(state)) return [];
  const live = state.assignments.filter((a) => LIVE_STATUSES.includes(a.status));
  if (live.length === 0) return [];
  const completeBy = deadlinesFrom(command.now, currentSla(state)).completeBy;
  return [
    {
      type: 'DeadlinesChanged',
      data: {
        whistleId: state.whistleId,
        reason: 'WHISTLE_REOPENED',
        assignments: live.map((a) => ({ assignmentId: a.id, deadlines: { ...a.deadlines, completeBy } })),
      },
    },
  ];
}

export function override(command: Extract<WhistleFactCommand, { type: 'Override' }>, state: DispatchState): DispatchStreamEvent[] {
  if (!state.whistleId || isClosed(state)) return [];
  const open = state.assignments.filter((a) => OPEN_STATUSES.includes(a.status));
  return [
    {
      type: 'DeadlinesChanged',
      data: {
        whistleId: state.whistleId,
        reason: 'TRIAGE_OVERRIDDEN',
        level: command.level,
        sla: command.sla,
        // recomputed from the summons, keeping the time the clock stood still for rejected disputes
        // and the approved extensions (the later of the recomputed deadline and the one granted)
        assignments: open.map((a) => ({ assignmentId: a.id, deadlines: keepExtensions(a, shift(deadlinesFrom(a.summonedAt, command.sla), a.pausedMs, null)) })),
      },
    },
  ];
}

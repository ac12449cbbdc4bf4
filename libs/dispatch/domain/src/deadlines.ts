import type { DeadlineKind, Deadlines, DispatchEvent } from '@chuishao/dispatch-contracts';
import { judgedDueOf } from './extensions';
import { ms } from './refusal';
import { isClosed, type AssignmentState, type DispatchState } from './dispatch.state';

/**
 * Deadlines (contract §4's clock rules): judged by receipt times; the clock stops while an
 * assignment is DISPUTED; a deadline due at or after the whistle's closing never fires, one due
 * before it is judged as usual (a miss before the closing stands).
 */
export interface MissDeadlineCommand {
  type: 'MissDeadline';
  assignmentId: string;
  kind: DeadlineKind;
  dueAt: string;
}

/**
 * The deadlines moved by `byMs`: those due at or after `from` (the dispute's receipt: the ones it
 * paused), or all when `from` is null. A deadline already due before the dispute keeps its time.
 */
export function shift(d: Deadlines, byMs: number, from: string | null): Deadlines {
  if (byMs === 0) return d;
  const move = (iso: string) => (from === null || ms(iso) >= ms(from) ? new Date(ms(iso) + byMs).toISOString() : iso);
  return { reportBy: move(d.reportBy), arriveBy: move(d.arriveBy), completeBy: move(d.completeBy) };
}

/**
 * Whether the clock of deadline `dueAt` is stopped or ended for this assignment, so that it must
 * not fire: paused by a pending dispute received at or before it, or ended by the whistle's
 * closing at or before it. A deadline due before the dispute or the closing is judged as usual.
 */
export function deadlineSuspended(state: DispatchState, a: AssignmentState, dueAt: string): boolean {
  const due = ms(dueAt);
  if (a.status === 'DISPUTED' && a.disputedAt && due >= ms(a.disputedAt)) return true;
  if (a.status === 'CLOSED') return !a.closedAt || due >= ms(a.closedAt);
  if (isClosed(state)) return !state.closedAt || due >= ms(state.closedAt);
  return false;
}

/** Whether the deadline `kind` due at `dueAt` was met, judged by receipt times. */
export function deadlineMet(a: AssignmentState, kind: DeadlineKind, dueAt: string): boolean {
  const by = (t: string | null) => t !== null && ms(t) <= ms(dueAt);
  if (kind === 'REPORT') return by(a.reportedAt);
  if (kind === 'ARRIVE') return by(a.arrivedAt) || by(a.completedAt);
  return by(a.completedAt);
}

export function missDeadline(c: MissDeadlineCommand, state: DispatchState): DispatchEvent[] {
  const a = state.assignments.find((x) => x.id === c.assignmentId);
  if (!a || a.status === 'REASSIGNED') return [];
  if (a.missed[c.kind]) return []; // exactly one per assignment and kind (per deadline epoch)
  if (deadlineMet(a, c.kind, c.dueAt)) return [];
  if (deadlineSuspended(state, a, c.dueAt)) return []; // DISPUTED (clock stopped) or closed with the whistle
  if (ms(judgedDueOf(a, c.kind)) > ms(c.dueAt)) return []; // a stale time: the deadline moved later (a dispute's pause, an override, an extension)
  const data = { whistleId: state.whistleId as string, assignmentId: a.id, departmentId: a.departmentId, kind: c.kind, dueAt: c.dueAt };
  const events: DispatchEvent[] = [{ type: 'DeadlineMissed', data }];
  if (!a.escalated) events.push({ type: 'WhistleEscalated', data });
  return events;
}

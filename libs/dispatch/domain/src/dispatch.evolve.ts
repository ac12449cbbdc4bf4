import type { DepartmentCompletedData } from '@chuishao/dispatch-contracts';
import { durationMs, slaFromDeadlines } from './duration';
import { evolveExtension } from './extensions';
import { ms } from './refusal';
import { INITIAL_DISPATCH_STATE, isClosed, newAssignment, patch, replyKey, type DispatchState, type DispatchStreamEvent, type WhistleFact, type WhistlePhase } from './dispatch.state';

/** evolve: (state, event) → state. Pure; unknown types leave the state as it is. */
export function evolve(state: DispatchState, event: DispatchStreamEvent | WhistleFact): DispatchState {
  switch (event.type) {
    case 'DepartmentsSummoned': {
      const d = event.data;
      const added = d.assignments.map((a) => newAssignment(a.assignmentId, a.departmentId, a.role, d.summonedAt, a.deadlines));
      const sla = d.sla ?? state.sla ?? (added[0] ? slaFromDeadlines(d.summonedAt, added[0].deadlines) : null);
      return { ...state, whistleId: d.whistleId, level: d.level, sla, assignments: [...state.assignments, ...added] };
    }
    case 'DepartmentReported':
    case 'DepartmentArrived':
    case 'HandlingProgressed':
    case 'AssignmentDisputed':
    case 'DepartmentCompleted': {
      const d = event.data;
      const next = patch(state, d.assignmentId, (a) => {
        switch (event.type) {
          case 'DepartmentReported':
            return { ...a, status: 'REPORTED', reportedAt: d.receivedAt };
          case 'DepartmentArrived':
            return { ...a, status: 'ARRIVED', arrivedAt: d.receivedAt };
          case 'HandlingProgressed':
            return { ...a, status: 'IN_PROGRESS' };
          case 'AssignmentDisputed':
            return { ...a, status: 'DISPUTED', disputeNote: d.note, disputedAt: d.receivedAt };
          default:
            return { ...a, status: 'COMPLETED', completedAt: d.receivedAt, result: (d as DepartmentCompletedData).result };
        }
      });
      return { ...next, replies: [...next.replies, replyKey(d.departmentId, d.replyId)] };
    }
    case 'DisputeResolved': {
      const d = event.data;
      let next = patch(state, d.assignmentId, (a) =>
        d.decision === 'UPHOLD'
          ? { ...a, status: 'REASSIGNED', disputedAt: null }
          : {
              ...a,
              status: a.reportedAt ? 'IN_PROGRESS' : 'SUMMONED',
              disputeNote: null,
              disputedAt: null,
              deadlines: d.deadlines ?? a.deadlines,
              pausedMs: a.pausedMs + (d.pausedMs ?? 0),
            },
      );
      if (d.reassignedTo) {
        const r = d.reassignedTo;
        const summonedAt =
          d.resolvedAt ?? new Date(ms(r.deadlines.reportBy) - (next.sla ? durationMs(next.sla.report) : 0)).toISOString();
        next = { ...next, assignments: [...next.assignments, newAssignment(r.assignmentId, r.departmentId, r.role, summonedAt, r.deadlines)] };
      }
      return next;
    }
    case 'DeadlineMissed': {
      const d = event.data;
      return patch(state, d.assignmentId, (a) => {
        const { [d.kind]: _judged, ...standing } = a.standing;
        return { ...a, missed: { ...a.missed, [d.kind]: d.dueAt }, standing };
      });
    }
    case 'ExtensionRequested': {
      const next = patch(state, event.data.assignmentId, (a) => evolveExtension(a, event));
      return { ...next, replies: [...next.replies, replyKey(event.data.departmentId, event.data.replyId)] };
    }
    case 'ExtensionDecided':
      return patch(state, event.data.assignmentId, (a) => evolveExtension(a, event));
    case 'WhistleEscalated':
      return patch(state, event.data.assignmentId, (a) => ({ ...a, escalated: true }));
    case 'DeadlinesChanged': {
      const d = event.data;
      let next: DispatchState = d.reason === 'WHISTLE_REOPENED' ? { ...state, phase: 'REOPENED' } : { ...state, level: d.level ?? state.level, sla: d.sla ?? state.sla };
      for (const c of d.assignments) {
        next = patch(next, c.assignmentId, (a) => {
          if (d.reason !== 'WHISTLE_REOPENED') return { ...a, deadlines: c.deadlines };
          const { COMPLETE: _reopened, ...missed } = a.missed;
          const { COMPLETE: _renewed, ...standing } = a.standing;
          return {
            ...a,
            deadlines: c.deadlines,
            missed,
            standing,
            ...(a.status === 'COMPLETED' ? { status: 'IN_PROGRESS' as const, completedAt: null } : {}),
          };
        });
      }
      return next;
    }
    case 'AssignmentsCancelled': {
      // legacy withdrawal: closed at an unknown time (nothing of theirs fires any more)
      const ids = event.data.assignmentIds;
      return { ...state, phase: 'WITHDRAWN', assignments: state.assignments.map((a) => (ids.includes(a.id) ? { ...a, status: 'CLOSED', disputedAt: null, closedAt: null } : a)) };
    }
    case 'AssignmentsClosed': {
      const d = event.data;
      return {
        ...state,
        phase: d.cause === 'WHISTLE_CONFIRMED' ? 'RESOLVED' : 'WITHDRAWN',
        closedAt: state.closedAt ?? d.closedAt,
        assignments: state.assignments.map((a) => (d.assignmentIds.includes(a.id) ? { ...a, status: 'CLOSED', disputedAt: null, closedAt: d.closedAt } : a)),
      };
    }
    case 'WhistleClosed': {
      const d = event.data;
      return { ...state, whistleId: state.whistleId ?? d.whistleId, phase: d.cause === 'WHISTLE_CONFIRMED' ? 'RESOLVED' : 'WITHDRAWN', closedAt: state.closedAt ?? d.closedAt };
    }
    // legacy: a closing known only from the brief (withLegacyClosing)
    case 'WhistleWithdrawn':
      return { ...state, phase: 'WITHDRAWN' };
    case 'WhistleConfirmed':
      return { ...state, phase: 'RESOLVED' };
    default:
      return state;
  }
}

export function fold(events: ReadonlyArray<DispatchStreamEvent | WhistleFact>, from: DispatchState = INITIAL_DISPATCH_STATE): DispatchState {
  return events.reduce(evolve, from);
}

/**
 * A stream written before dispatch recorded WhistleClosed (ADR 0023) knows its whistle's closing
 * only from the brief's phase (then kept by the reactions): applied when the fold has no closing.
 * A stream with WhistleClosed, or a brief still OPEN, leaves the fold as it is.
 */
export function withLegacyClosing(state: DispatchState, briefPhase: WhistlePhase | undefined): DispatchState {
  if (isClosed(state)) return state;
  if (briefPhase === 'WITHDRAWN') return evolve(state, { type: 'WhistleWithdrawn' });
  if (briefPhase === 'RESOLVED') return evolve(state, { type: 'WhistleConfirmed' });
  return state;
}

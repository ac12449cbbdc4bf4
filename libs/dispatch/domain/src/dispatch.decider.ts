import type { AssignmentStatus, Level } from '@chuishao/contracts';
import type { AssignmentRole, DeadlineKind, Deadlines, DepartmentCompletedData, DispatchEvent, ExtensionKind, LevelSla, ReplyAppliedData, ReplyType } from '@chuishao/dispatch-contracts';
import { deadlinesFrom, durationMs, slaFromDeadlines } from './duration';
import { decideExtension, evolveExtension, judgedDueOf, keepExtensions, requestExtension, type DecideExtensionCommand, type ExtensionState } from './extensions';
import { blank, clean, ms, refuse } from './refusal';

export { DispatchRefusal } from './refusal';

/**
 * The dispatch side of one whistle: its assignments and what dispatch knows of the whistle.
 * State = the fold of dispatch's own stream `whistle-<id>` (DepartmentsSummoned, replies applied,
 * DisputeResolved, DeadlineMissed, WhistleEscalated, DeadlinesChanged, AssignmentsCancelled) plus
 * the whistle facts dispatch learns from the bus (withdrawn, confirmed).
 *
 * Order of replies (documented in docs/departments.md): REPORT must come first. ARRIVE, PROGRESS
 * and COMPLETE before REPORT are refused — ARRIVE does NOT imply REPORT, so that the report
 * deadline (报到) is judged on an explicit report. COMPLETE does not need ARRIVE (not every
 * problem needs someone on site); a completion before the arrive deadline satisfies it.
 * DISPUTE (退单) is allowed before REPORT: a department wrongly summoned says so at once.
 *
 * Contract §4's clock rules, all decided here:
 * - the clock stops while an assignment is DISPUTED: a deadline not yet due when the dispute was
 *   received never fires while it waits; on REJECT every such deadline moves by the time the
 *   dispute waited (the time that was left is left again); on UPHOLD with reassignment the new
 *   department's deadlines start at the decision. A deadline already due before the dispute is
 *   judged as usual (that miss stands).
 * - assignments still open when their whistle is confirmed or withdrawn become CLOSED
 *   (AssignmentsClosed at the whistle event's time): a deadline due at or after the closing never
 *   fires; one due before it is judged as usual (a miss before the closing stands).
 * Extension requests (延期申请, contract §11) are decided in ./extensions.ts.
 */

/** OPEN (dispatched, in work or completed), REOPENED by the street, or closed: RESOLVED / WITHDRAWN. */
export type WhistlePhase = 'OPEN' | 'REOPENED' | 'RESOLVED' | 'WITHDRAWN';

export interface AssignmentState {
  id: string;
  departmentId: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  summonedAt: string;
  deadlines: Deadlines;
  /** Receipt times (ours, not the department's claim): deadlines are judged by these. */
  reportedAt: string | null;
  arrivedAt: string | null;
  completedAt: string | null;
  result: string | null;
  disputeNote: string | null;
  /** Deadlines already judged missed in the current deadline epoch, kind → dueAt (a reopen starts a new COMPLETE epoch). */
  missed: Partial<Record<DeadlineKind, string>>;
  /** Whether any deadline of this assignment was ever missed (the first miss escalates). */
  escalated: boolean;
  /** Receipt of the pending dispute (the clock stopped then); null when not DISPUTED. */
  disputedAt: string | null;
  /** Sum of the pauses of every rejected dispute, in ms (a triage override keeps them). */
  pausedMs: number;
  /** When the assignment was CLOSED with its whistle (null: not closed, or closed by a legacy event of unknown time). */
  closedAt: string | null;
  /** Extension requests (延期申请), pending and decided, in the order received. */
  extensions: ExtensionState[];
  /**
   * Deadlines still judged at their own time although an extension approved after they fell due
   * moved the deadline in force (the miss stands); cleared once judged. See judgedDueOf.
   */
  standing: Partial<Record<DeadlineKind, string>>;
}

export interface DispatchState {
  whistleId: string | null;
  level: Level | null;
  sla: LevelSla | null;
  phase: WhistlePhase;
  assignments: AssignmentState[];
  /** Applied replies, `<departmentId>:<replyId>`: a replay is a no-op. */
  replies: string[];
  /** When the whistle was closed (confirmed / withdrawn) as AssignmentsClosed recorded it; null otherwise or unknown. */
  closedAt: string | null;
}

export const INITIAL_DISPATCH_STATE: DispatchState = { whistleId: null, level: null, sla: null, phase: 'OPEN', assignments: [], replies: [], closedAt: null };

/** Whistle facts recorded by other services that dispatch folds into its state. */
export type WhistleFact = { type: 'WhistleWithdrawn'; data?: unknown } | { type: 'WhistleConfirmed'; data?: unknown };

export const OPEN_STATUSES: readonly AssignmentStatus[] = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];
/** Assignments still bound to the whistle (a reopen brings COMPLETED ones back to work). */
const LIVE_STATUSES: readonly AssignmentStatus[] = [...OPEN_STATUSES, 'COMPLETED'];

export interface ReplyCommandData {
  replyId: string;
  assignmentId: string;
  /** From the topic (Kafka) or the token (HTTP); never from the message body. */
  departmentId: string;
  type: ReplyType;
  at: string | null;
  by: { name: string } | null;
  note: string | null;
  result: string | null;
  receivedAt: string;
  channel: 'kafka' | 'http';
  /** EXTENSION only: the deadline to move, the time asked for and the reason. */
  extension?: { kind: ExtensionKind; until: string; reason: string | null } | null;
}

export type DispatchCommand =
  | { type: 'ApplyReply'; reply: ReplyCommandData; extensionCap?: number }
  | DecideExtensionCommand
  | {
      type: 'ResolveDispute';
      assignmentId: string;
      decision: 'UPHOLD' | 'REJECT';
      reason: string;
      reassignTo: string | null;
      newAssignmentId: string;
      now: string;
    }
  | { type: 'MissDeadline'; assignmentId: string; kind: DeadlineKind; dueAt: string }
  | { type: 'Reopen'; reason: string; now: string }
  | { type: 'Close'; cause: 'WHISTLE_CONFIRMED' | 'WHISTLE_WITHDRAWN'; reason: string | null; closedAt: string }
  | { type: 'Override'; level: Level; sla: LevelSla };

const REPLY_EVENT: Record<ReplyType, DispatchEvent['type']> = {
  REPORT: 'DepartmentReported',
  ARRIVE: 'DepartmentArrived',
  PROGRESS: 'HandlingProgressed',
  DISPUTE: 'AssignmentDisputed',
  COMPLETE: 'DepartmentCompleted',
  EXTENSION: 'ExtensionRequested',
};

/** The event a reply of this type produces. */
export const replyEventType = (type: ReplyType): DispatchEvent['type'] => REPLY_EVENT[type];

export const replyKey = (departmentId: string, replyId: string): string => `${departmentId}:${replyId}`;

const dueOf = (d: Deadlines, kind: DeadlineKind): string => (kind === 'REPORT' ? d.reportBy : kind === 'ARRIVE' ? d.arriveBy : d.completeBy);
export { dueOf as deadlineOf };

// ------------------------------------------------------------------------------------------- decide

/** decide: (command, state) → events. Pure; throws DispatchRefusal when the command is not allowed; [] = nothing to do. */
export function decide(command: DispatchCommand, state: DispatchState): DispatchEvent[] {
  switch (command.type) {
    case 'ApplyReply':
      return applyReply(command.reply, state, command.extensionCap);
    case 'DecideExtension':
      return decideExtension(command, state);
    case 'ResolveDispute':
      return resolveDispute(command, state);
    case 'MissDeadline':
      return missDeadline(command, state);
    case 'Reopen': {
      if (!state.whistleId || isClosed(state)) return [];
      const live = state.assignments.filter((a) => LIVE_STATUSES.includes(a.status));
      if (live.length === 0) return [];
      const sla = currentSla(state);
      const completeBy = deadlinesFrom(command.now, sla).completeBy;
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
    case 'Close': {
      if (!state.whistleId || isClosed(state)) return []; // closed already (a redelivery)
      const open = state.assignments.filter((a) => OPEN_STATUSES.includes(a.status));
      if (open.length === 0) return [];
      return [
        {
          type: 'AssignmentsClosed',
          data: { whistleId: state.whistleId, assignmentIds: open.map((a) => a.id), cause: command.cause, reason: clean(command.reason), closedAt: command.closedAt },
        },
      ];
    }
    case 'Override': {
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
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

export function isClosed(state: DispatchState): boolean {
  return state.phase === 'RESOLVED' || state.phase === 'WITHDRAWN';
}

function currentSla(state: DispatchState): LevelSla {
  if (state.sla) return state.sla;
  const first = state.assignments[0];
  if (!first) throw new Error('no SLA: nothing was summoned');
  return slaFromDeadlines(first.summonedAt, first.deadlines);
}

function find(state: DispatchState, assignmentId: string): AssignmentState {
  const a = state.assignments.find((x) => x.id === assignmentId);
  if (!a) return refuse('not-found', 'UNKNOWN_ASSIGNMENT', `unknown assignment ${assignmentId}`);
  return a;
}

function assertOpenWhistle(state: DispatchState): void {
  if (state.phase === 'WITHDRAWN') refuse('conflict', 'WHISTLE_WITHDRAWN', 'the whistle was withdrawn (哨件已撤回)');
  if (state.phase === 'RESOLVED') refuse('conflict', 'WHISTLE_RESOLVED', 'the whistle is resolved (哨件已办结确认)');
}

function applyReply(r: ReplyCommandData, state: DispatchState, extensionCap?: number): DispatchEvent[] {
  const a = find(state, r.assignmentId);
  if (a.departmentId !== r.departmentId) refuse('forbidden', 'OTHER_DEPARTMENT', `assignment ${r.assignmentId} belongs to another department`);
  if (state.replies.includes(replyKey(r.departmentId, r.replyId))) return []; // replay: already applied
  if (r.type === 'EXTENSION') return requestExtension(r, a, state, extensionCap);
  if (r.type === 'DISPUTE' && blank(r.note)) refuse('invalid', 'NOTE_REQUIRED', 'DISPUTE needs a note (the reason, 退单理由)');
  if (r.type === 'COMPLETE' && blank(r.result)) refuse('invalid', 'RESULT_REQUIRED', 'COMPLETE needs a result (办结结果)');
  assertOpenWhistle(state);
  if (a.status === 'CLOSED') refuse('conflict', 'ASSIGNMENT_CLOSED', 'the assignment was closed with its whistle (随哨件关闭)');
  if (a.status === 'REASSIGNED') refuse('conflict', 'ASSIGNMENT_REASSIGNED', 'the assignment was reassigned to another department after a dispute');
  if (a.status === 'COMPLETED') refuse('conflict', 'ASSIGNMENT_COMPLETED', `${r.type} after COMPLETE: the assignment is already completed`);
  if (a.status === 'DISPUTED') refuse('conflict', 'ASSIGNMENT_DISPUTED', `${r.type} while the dispute awaits the command center's decision`);
  switch (r.type) {
    case 'REPORT':
      if (a.reportedAt) refuse('conflict', 'ALREADY_REPORTED', 'already reported');
      break;
    case 'ARRIVE':
      if (!a.reportedAt) refuse('conflict', 'NOT_REPORTED', 'ARRIVE before REPORT');
      if (a.arrivedAt) refuse('conflict', 'ALREADY_ARRIVED', 'already arrived');
      break;
    case 'PROGRESS':
      if (!a.reportedAt) refuse('conflict', 'NOT_REPORTED', 'PROGRESS before REPORT');
      break;
    case 'COMPLETE':
      if (!a.reportedAt) refuse('conflict', 'NOT_REPORTED', 'COMPLETE before REPORT');
      break;
    case 'DISPUTE':
      break;
    default: {
      const exhaustive: never = r.type;
      return exhaustive;
    }
  }
  const data: ReplyAppliedData = {
    whistleId: state.whistleId as string,
    assignmentId: a.id,
    departmentId: a.departmentId,
    replyId: r.replyId,
    at: r.at,
    receivedAt: r.receivedAt,
    by: r.by,
    note: clean(r.note),
    channel: r.channel,
  };
  if (r.type === 'COMPLETE') return [{ type: 'DepartmentCompleted', data: { ...data, result: clean(r.result) as string } }];
  return [{ type: REPLY_EVENT[r.type], data } as DispatchEvent];
}

function resolveDispute(c: Extract<DispatchCommand, { type: 'ResolveDispute' }>, state: DispatchState): DispatchEvent[] {
  const a = find(state, c.assignmentId);
  if (blank(c.reason)) refuse('invalid', 'REASON_REQUIRED', 'a reason is required (须说明理由)');
  if (c.decision === 'REJECT' && c.reassignTo) refuse('invalid', 'REASSIGN_ONLY_ON_UPHOLD', 'reassignTo is only for UPHOLD');
  if (c.decision === 'UPHOLD' && a.role === 'LEAD' && !c.reassignTo) {
    refuse('invalid', 'REASSIGN_REQUIRED', 'upholding the dispute of the LEAD department needs reassignTo (a new lead department)');
  }
  if (c.reassignTo && c.reassignTo === a.departmentId) refuse('invalid', 'REASSIGN_TO_SAME', 'reassignTo must be another department');
  assertOpenWhistle(state);
  if (a.status !== 'DISPUTED') refuse('conflict', 'NOT_DISPUTED', `the assignment is ${a.status}, not DISPUTED`);
  const reassignedTo =
    c.decision === 'UPHOLD' && c.reassignTo
      ? { assignmentId: c.newAssignmentId, departmentId: c.reassignTo, role: a.role, deadlines: deadlinesFrom(c.now, currentSla(state)) }
      : null;
  // REJECT: the clock resumes with the time that was left when the dispute was received.
  const pausedMs = c.decision === 'REJECT' && a.disputedAt ? Math.max(0, ms(c.now) - ms(a.disputedAt)) : 0;
  const resumed = c.decision === 'REJECT' ? { deadlines: shift(a.deadlines, pausedMs, a.disputedAt), pausedMs } : {};
  return [
    {
      type: 'DisputeResolved',
      data: {
        whistleId: state.whistleId as string,
        assignmentId: a.id,
        departmentId: a.departmentId,
        decision: c.decision,
        reason: clean(c.reason) as string,
        reassignedTo,
        resolvedAt: c.now,
        ...resumed,
      },
    },
  ];
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

function missDeadline(c: Extract<DispatchCommand, { type: 'MissDeadline' }>, state: DispatchState): DispatchEvent[] {
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

// ------------------------------------------------------------------------------------------- evolve

function patch(state: DispatchState, id: string, f: (a: AssignmentState) => AssignmentState): DispatchState {
  return { ...state, assignments: state.assignments.map((a) => (a.id === id ? f(a) : a)) };
}

function newAssignment(id: string, departmentId: string, role: AssignmentRole, summonedAt: string, deadlines: Deadlines): AssignmentState {
  return {
    id,
    departmentId,
    role,
    status: 'SUMMONED',
    summonedAt,
    deadlines,
    reportedAt: null,
    arrivedAt: null,
    completedAt: null,
    result: null,
    disputeNote: null,
    missed: {},
    escalated: false,
    disputedAt: null,
    pausedMs: 0,
    closedAt: null,
    extensions: [],
    standing: {},
  };
}

/** evolve: (state, event) → state. Pure; unknown types leave the state as it is. */
export function evolve(state: DispatchState, event: DispatchEvent | WhistleFact): DispatchState {
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
    case 'WhistleWithdrawn':
      return { ...state, phase: 'WITHDRAWN' };
    case 'WhistleConfirmed':
      return { ...state, phase: 'RESOLVED' };
    default:
      return state;
  }
}

export function fold(events: ReadonlyArray<DispatchEvent | WhistleFact>, from: DispatchState = INITIAL_DISPATCH_STATE): DispatchState {
  return events.reduce(evolve, from);
}

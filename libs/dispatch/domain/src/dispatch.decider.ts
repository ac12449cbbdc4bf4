import type {
  AssignmentRole,
  DeadlineKind,
  Deadlines,
  DepartmentCompletedData,
  DispatchEvent,
  Level,
  LevelSla,
  ReplyAppliedData,
  ReplyType,
} from '@chuishao/dispatch-contracts';
import { deadlinesFrom, durationMs, slaFromDeadlines } from './duration';

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
 */

export type AssignmentStatus = 'SUMMONED' | 'REPORTED' | 'ARRIVED' | 'IN_PROGRESS' | 'DISPUTED' | 'COMPLETED' | 'CANCELLED' | 'REASSIGNED';
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
}

export interface DispatchState {
  whistleId: string | null;
  level: Level | null;
  sla: LevelSla | null;
  phase: WhistlePhase;
  assignments: AssignmentState[];
  /** Applied replies, `<departmentId>:<replyId>`: a replay is a no-op. */
  replies: string[];
}

export const INITIAL_DISPATCH_STATE: DispatchState = { whistleId: null, level: null, sla: null, phase: 'OPEN', assignments: [], replies: [] };

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
}

export type DispatchCommand =
  | { type: 'ApplyReply'; reply: ReplyCommandData }
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
  | { type: 'Withdraw'; reason: string }
  | { type: 'Override'; level: Level; sla: LevelSla };

/** Why a command was refused: `kind` maps to HTTP 404 / 403 / 409 / 422; `reason` goes to the rejected topic. */
export class DispatchRefusal extends Error {
  override readonly name = 'DispatchRefusal';
  constructor(
    readonly kind: 'not-found' | 'forbidden' | 'conflict' | 'invalid',
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const refuse = (kind: DispatchRefusal['kind'], code: string, reason: string): never => {
  throw new DispatchRefusal(kind, code, reason);
};

const REPLY_EVENT: Record<ReplyType, DispatchEvent['type']> = {
  REPORT: 'DepartmentReported',
  ARRIVE: 'DepartmentArrived',
  PROGRESS: 'HandlingProgressed',
  DISPUTE: 'AssignmentDisputed',
  COMPLETE: 'DepartmentCompleted',
};

/** The event a reply of this type produces. */
export const replyEventType = (type: ReplyType): DispatchEvent['type'] => REPLY_EVENT[type];

export const replyKey = (departmentId: string, replyId: string): string => `${departmentId}:${replyId}`;

const blank = (s: string | null | undefined): boolean => !s || !s.trim();
const ms = (iso: string): number => new Date(iso).getTime();
const dueOf = (d: Deadlines, kind: DeadlineKind): string => (kind === 'REPORT' ? d.reportBy : kind === 'ARRIVE' ? d.arriveBy : d.completeBy);
export { dueOf as deadlineOf };

// ------------------------------------------------------------------------------------------- decide

/** decide: (command, state) → events. Pure; throws DispatchRefusal when the command is not allowed; [] = nothing to do. */
export function decide(command: DispatchCommand, state: DispatchState): DispatchEvent[] {
  switch (command.type) {
    case 'ApplyReply':
      return applyReply(command.reply, state);
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
    case 'Withdraw': {
      if (!state.whistleId || isClosed(state)) return [];
      const open = state.assignments.filter((a) => OPEN_STATUSES.includes(a.status));
      if (open.length === 0) return [];
      return [{ type: 'AssignmentsCancelled', data: { whistleId: state.whistleId, assignmentIds: open.map((a) => a.id), reason: command.reason } }];
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
            assignments: open.map((a) => ({ assignmentId: a.id, deadlines: deadlinesFrom(a.summonedAt, command.sla) })),
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

function applyReply(r: ReplyCommandData, state: DispatchState): DispatchEvent[] {
  const a = find(state, r.assignmentId);
  if (a.departmentId !== r.departmentId) refuse('forbidden', 'OTHER_DEPARTMENT', `assignment ${r.assignmentId} belongs to another department`);
  if (state.replies.includes(replyKey(r.departmentId, r.replyId))) return []; // replay: already applied
  if (r.type === 'DISPUTE' && blank(r.note)) refuse('invalid', 'NOTE_REQUIRED', 'DISPUTE needs a note (the reason, 退单理由)');
  if (r.type === 'COMPLETE' && blank(r.result)) refuse('invalid', 'RESULT_REQUIRED', 'COMPLETE needs a result (办结结果)');
  assertOpenWhistle(state);
  if (a.status === 'CANCELLED') refuse('conflict', 'ASSIGNMENT_CANCELLED', 'the assignment was cancelled');
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
    note: blank(r.note) ? null : (r.note as string),
    channel: r.channel,
  };
  if (r.type === 'COMPLETE') return [{ type: 'DepartmentCompleted', data: { ...data, result: r.result as string } }];
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
  return [
    {
      type: 'DisputeResolved',
      data: {
        whistleId: state.whistleId as string,
        assignmentId: a.id,
        departmentId: a.departmentId,
        decision: c.decision,
        reason: c.reason,
        reassignedTo,
        resolvedAt: c.now,
      },
    },
  ];
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
  if (!a || isClosed(state) || a.status === 'CANCELLED' || a.status === 'REASSIGNED') return [];
  if (a.missed[c.kind]) return []; // exactly one per assignment and kind (per deadline epoch)
  if (deadlineMet(a, c.kind, c.dueAt)) return [];
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
            return { ...a, status: 'DISPUTED', disputeNote: d.note };
          default:
            return { ...a, status: 'COMPLETED', completedAt: d.receivedAt, result: (d as DepartmentCompletedData).result };
        }
      });
      return { ...next, replies: [...next.replies, replyKey(d.departmentId, d.replyId)] };
    }
    case 'DisputeResolved': {
      const d = event.data;
      let next = patch(state, d.assignmentId, (a) =>
        d.decision === 'UPHOLD' ? { ...a, status: 'REASSIGNED' } : { ...a, status: a.reportedAt ? 'IN_PROGRESS' : 'SUMMONED', disputeNote: null },
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
      return patch(state, d.assignmentId, (a) => ({ ...a, missed: { ...a.missed, [d.kind]: d.dueAt } }));
    }
    case 'WhistleEscalated':
      return patch(state, event.data.assignmentId, (a) => ({ ...a, escalated: true }));
    case 'DeadlinesChanged': {
      const d = event.data;
      let next: DispatchState = d.reason === 'WHISTLE_REOPENED' ? { ...state, phase: 'REOPENED' } : { ...state, level: d.level ?? state.level, sla: d.sla ?? state.sla };
      for (const c of d.assignments) {
        next = patch(next, c.assignmentId, (a) => {
          if (d.reason !== 'WHISTLE_REOPENED') return { ...a, deadlines: c.deadlines };
          const { COMPLETE: _reopened, ...missed } = a.missed;
          return {
            ...a,
            deadlines: c.deadlines,
            missed,
            ...(a.status === 'COMPLETED' ? { status: 'IN_PROGRESS' as const, completedAt: null } : {}),
          };
        });
      }
      return next;
    }
    case 'AssignmentsCancelled': {
      const ids = event.data.assignmentIds;
      return { ...state, assignments: state.assignments.map((a) => (ids.includes(a.id) ? { ...a, status: 'CANCELLED' } : a)) };
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

import type { AssignmentStatus, Level } from '@chuishao/contracts';
import type { AssignmentRole, DeadlineKind, Deadlines, DispatchEvent, ExtensionKind, LevelSla, ReplyType } from '@chuishao/dispatch-contracts';
import { slaFromDeadlines } from './duration';
import type { ExtensionState } from './extensions';
import { refuse } from './refusal';

/**
 * The dispatch side of one whistle: its assignments and what dispatch knows of the whistle.
 * State = the fold of dispatch's own stream `whistle-<id>` (DepartmentsSummoned, replies applied,
 * DisputeResolved, DeadlineMissed, WhistleEscalated, DeadlinesChanged, AssignmentsClosed,
 * WhistleClosed, extensions). Streams written before WhistleClosed existed take their closing
 * from the brief (`withLegacyClosing`, ADR 0023).
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
  /** When the whistle was closed (confirmed / withdrawn) as its closing recorded it; null otherwise or unknown. */
  closedAt: string | null;
}

export const INITIAL_DISPATCH_STATE: DispatchState = { whistleId: null, level: null, sla: null, phase: 'OPEN', assignments: [], replies: [], closedAt: null };

/**
 * The whistle's closing (confirmed or withdrawn), recorded in dispatch's own stream when dispatch
 * learns it — also for a whistle nobody was summoned for yet, so that its summons is refused by
 * the fold. Internal to dispatch: not published (the whistle's own event is intake's).
 */
export interface WhistleClosedData {
  whistleId: string;
  cause: 'WHISTLE_CONFIRMED' | 'WHISTLE_WITHDRAWN';
  /** The time of the whistle's own event (WhistleConfirmed / WhistleWithdrawn). */
  closedAt: string;
}

/** Every event of dispatch's stream: the published ones (contracts) and the internal closing. */
export type DispatchStreamEvent = DispatchEvent | { type: 'WhistleClosed'; data: WhistleClosedData };

/** Events of dispatch's stream that stay in dispatch (no outbox row). */
export const isPublished = (e: { type: string }): boolean => e.type !== 'WhistleClosed';

/** Legacy: a whistle's closing known only from its brief (streams written before WhistleClosed existed). */
export type WhistleFact = { type: 'WhistleWithdrawn'; data?: unknown } | { type: 'WhistleConfirmed'; data?: unknown };

export const OPEN_STATUSES: readonly AssignmentStatus[] = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];
/** Assignments still bound to the whistle (a reopen brings COMPLETED ones back to work). */
export const LIVE_STATUSES: readonly AssignmentStatus[] = [...OPEN_STATUSES, 'COMPLETED'];

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

export function isClosed(state: DispatchState): boolean {
  return state.phase === 'RESOLVED' || state.phase === 'WITHDRAWN';
}

export function currentSla(state: DispatchState): LevelSla {
  if (state.sla) return state.sla;
  const first = state.assignments[0];
  if (!first) throw new Error('no SLA: nothing was summoned');
  return slaFromDeadlines(first.summonedAt, first.deadlines);
}

export function find(state: DispatchState, assignmentId: string): AssignmentState {
  const a = state.assignments.find((x) => x.id === assignmentId);
  if (!a) return refuse('not-found', 'UNKNOWN_ASSIGNMENT', `unknown assignment ${assignmentId}`);
  return a;
}

export function assertOpenWhistle(state: DispatchState): void {
  if (state.phase === 'WITHDRAWN') refuse('conflict', 'WHISTLE_WITHDRAWN', 'the whistle was withdrawn (哨件已撤回)');
  if (state.phase === 'RESOLVED') refuse('conflict', 'WHISTLE_RESOLVED', 'the whistle is resolved (哨件已办结确认)');
}

export function patch(state: DispatchState, id: string, f: (a: AssignmentState) => AssignmentState): DispatchState {
  return { ...state, assignments: state.assignments.map((a) => (a.id === id ? f(a) : a)) };
}

export function newAssignment(id: string, departmentId: string, role: AssignmentRole, summonedAt: string, deadlines: Deadlines): AssignmentState {
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

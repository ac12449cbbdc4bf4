import { createHash } from 'node:crypto';
import {
  DEFAULT_EXTENSION_CAP,
  EXTENSION_KINDS,
  type DeadlineKind,
  type Deadlines,
  type DispatchEvent,
  type ExtensionDecidedData,
  type ExtensionKind,
  type ExtensionRequestedData,
} from '@chuishao/dispatch-contracts';
import type { AssignmentState, DispatchState, ReplyCommandData } from './dispatch.state';
import { blank, clean, ms, refuse } from './refusal';

/**
 * 延期申请 (contract §11), the extensions part of the dispatch decider: a department asks for more
 * time for its ARRIVE or COMPLETE deadline (a reply of type EXTENSION, over Kafka or HTTP), the
 * command center approves or denies it with a reason, an approval moves that deadline.
 *
 * Rules (docs/departments.md):
 * - a request needs a reason (trimmed, NFC) and an `until` after the deadline in force and after
 *   its receipt; one pending request per kind; not for an assignment that is completed, closed,
 *   reassigned or DISPUTED (the clock stops there anyway), nor for an ARRIVE already met;
 * - the cap: at most `cap` approved extensions per assignment (both kinds together) — the scoring
 *   policy version in force at the start of the summons' month (./extension-cap.ts), default
 *   {@link DEFAULT_EXTENSION_CAP}; a request or an approval over it is refused (422);
 * - a request is decided once (409 afterwards); an approval moves the deadline to `until`;
 * - approved after the deadline in force had fallen due (`standing`): that deadline is judged at
 *   its own time as before — a miss of it stands (it happened), at most one DeadlineMissed per
 *   assignment and kind — and the new deadline applies from the decision on (shown, sent to the
 *   department, used by the scorecard only for what happens after it; see docs/assessment.md).
 */

export type ExtensionStatus = 'PENDING' | 'APPROVED' | 'DENIED';

export interface ExtensionState {
  requestId: string;
  kind: ExtensionKind;
  until: string;
  reason: string;
  /** The deadline in force when the request was received. */
  dueAt: string;
  requestedAt: string;
  status: ExtensionStatus;
  decidedAt: string | null;
  decisionReason: string | null;
  /** Approved after the deadline it replaced had fallen due. */
  standing: boolean;
}

export interface DecideExtensionCommand {
  type: 'DecideExtension';
  assignmentId: string;
  requestId: string;
  decision: 'APPROVE' | 'DENY';
  reason: string;
  now: string;
  /** Approved extensions allowed per assignment (the scoring policy's cap, contract §12). */
  cap?: number;
}

const NAMESPACE = 'chuishao:extension-request:';

/**
 * The request id of an EXTENSION reply: derived from the department and the replyId (a UUID in
 * the version-5 layout over SHA-1), so the same reply always names the same request.
 */
export function extensionRequestId(departmentId: string, replyId: string): string {
  const h = createHash('sha1').update(`${NAMESPACE}${departmentId}:${replyId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const FIELD: Record<ExtensionKind, keyof Deadlines> = { ARRIVE: 'arriveBy', COMPLETE: 'completeBy' };
const KIND_ZH: Record<ExtensionKind, string> = { ARRIVE: '到场', COMPLETE: '办结' };

/** The deadline `kind` in force (what the department is shown). */
const dueNow = (a: AssignmentState, kind: ExtensionKind): string => a.deadlines[FIELD[kind]];

/**
 * The time the deadline `kind` is judged at: the deadline in force, unless an extension was
 * approved after an earlier one had fallen due — that one is still judged (its miss stands).
 */
export function judgedDueOf(a: AssignmentState, kind: DeadlineKind): string {
  const standing = a.standing[kind];
  if (standing) return standing;
  return kind === 'REPORT' ? a.deadlines.reportBy : kind === 'ARRIVE' ? a.deadlines.arriveBy : a.deadlines.completeBy;
}

const approvedCount = (a: AssignmentState): number => a.extensions.filter((e) => e.status === 'APPROVED').length;

/** The refusals that apply to asking and to deciding alike: the assignment must still be in work. */
function assertExtensible(state: DispatchState, a: AssignmentState, kind: ExtensionKind, what: string): void {
  if (state.phase === 'WITHDRAWN') refuse('conflict', 'WHISTLE_WITHDRAWN', 'the whistle was withdrawn (哨件已撤回)');
  if (state.phase === 'RESOLVED') refuse('conflict', 'WHISTLE_RESOLVED', 'the whistle is resolved (哨件已办结确认)');
  if (a.status === 'CLOSED') refuse('conflict', 'ASSIGNMENT_CLOSED', 'the assignment was closed with its whistle (随哨件关闭)');
  if (a.status === 'REASSIGNED') refuse('conflict', 'ASSIGNMENT_REASSIGNED', 'the assignment was reassigned to another department after a dispute');
  if (a.status === 'COMPLETED') refuse('conflict', 'ASSIGNMENT_COMPLETED', `${what} after COMPLETE: the assignment is already completed`);
  if (a.status === 'DISPUTED') refuse('conflict', 'ASSIGNMENT_DISPUTED', `${what} while the dispute awaits the command center's decision`);
  if (kind === 'ARRIVE' && a.arrivedAt) refuse('conflict', 'ALREADY_ARRIVED', 'already arrived: the ARRIVE deadline was met');
}

function assertUntil(a: AssignmentState, kind: ExtensionKind, until: string, now: string): void {
  if (Number.isNaN(ms(until))) refuse('invalid', 'UNTIL_INVALID', 'until must be an ISO 8601 date-time with offset');
  const due = dueNow(a, kind);
  if (ms(until) <= ms(due)) refuse('invalid', 'UNTIL_NOT_LATER', `until must be after the ${kind} deadline in force (${due}) (延期时间须晚于现行${KIND_ZH[kind]}时限)`);
  if (ms(until) <= ms(now)) refuse('invalid', 'UNTIL_PASSED', 'until must be in the future (延期时间已过)');
}

function assertCap(a: AssignmentState, cap: number): void {
  const approved = approvedCount(a);
  if (approved >= cap) refuse('invalid', 'EXTENSION_CAP', `the assignment already has ${approved} approved extensions; the scoring policy allows ${cap} per assignment (延期次数已达上限)`);
}

/** An EXTENSION reply (already checked: the assignment exists, is the department's, not a replay). */
export function requestExtension(r: ReplyCommandData, a: AssignmentState, state: DispatchState, cap = DEFAULT_EXTENSION_CAP): DispatchEvent[] {
  const ext = r.extension;
  if (!ext || !(EXTENSION_KINDS as readonly string[]).includes(ext.kind)) refuse('invalid', 'KIND_REQUIRED', 'EXTENSION needs kind ARRIVE or COMPLETE');
  const { kind, until } = ext as NonNullable<ReplyCommandData['extension']>;
  if (blank(ext?.reason)) refuse('invalid', 'REASON_REQUIRED', 'EXTENSION needs a reason (延期理由)');
  assertExtensible(state, a, kind, 'EXTENSION');
  if (a.extensions.some((e) => e.kind === kind && e.status === 'PENDING')) {
    refuse('conflict', 'EXTENSION_PENDING', `an extension of the ${kind} deadline already awaits the command center's decision`);
  }
  assertUntil(a, kind, until, r.receivedAt);
  assertCap(a, cap);
  const data: ExtensionRequestedData = {
    whistleId: state.whistleId as string,
    assignmentId: a.id,
    departmentId: a.departmentId,
    requestId: extensionRequestId(a.departmentId, r.replyId),
    replyId: r.replyId,
    kind,
    until: new Date(until).toISOString(),
    reason: clean(ext?.reason) as string,
    dueAt: dueNow(a, kind),
    requestedAt: r.receivedAt,
    at: r.at,
    by: r.by,
    channel: r.channel,
  };
  return [{ type: 'ExtensionRequested', data }];
}

/** The command center's decision (contract §11). */
export function decideExtension(c: DecideExtensionCommand, state: DispatchState): DispatchEvent[] {
  const a = state.assignments.find((x) => x.id === c.assignmentId);
  if (!a) return refuse('not-found', 'UNKNOWN_ASSIGNMENT', `unknown assignment ${c.assignmentId}`);
  const request = a.extensions.find((e) => e.requestId === c.requestId);
  if (!request) return refuse('not-found', 'UNKNOWN_EXTENSION', `no extension request ${c.requestId} on assignment ${c.assignmentId}`);
  if (blank(c.reason)) refuse('invalid', 'REASON_REQUIRED', 'a reason is required (须说明理由)');
  if (request.status !== 'PENDING') refuse('conflict', 'EXTENSION_DECIDED', `the extension request was already decided (${request.status})`);
  assertExtensible(state, a, request.kind, 'a decision on an extension');
  const dueAt = dueNow(a, request.kind);
  const data: ExtensionDecidedData = {
    whistleId: state.whistleId as string,
    assignmentId: a.id,
    departmentId: a.departmentId,
    requestId: request.requestId,
    kind: request.kind,
    decision: c.decision,
    reason: clean(c.reason) as string,
    until: request.until,
    dueAt,
    decidedAt: c.now,
  };
  if (c.decision === 'APPROVE') {
    assertUntil(a, request.kind, request.until, c.now);
    assertCap(a, c.cap ?? DEFAULT_EXTENSION_CAP);
    data.deadlines = { ...a.deadlines, [FIELD[request.kind]]: request.until };
    data.standing = ms(c.now) > ms(dueAt);
  }
  return [{ type: 'ExtensionDecided', data }];
}

/** The latest approved `until` of each kind kept when deadlines are recomputed (a triage override): the later of the two. */
export function keepExtensions(a: AssignmentState, d: Deadlines): Deadlines {
  const out = { ...d };
  for (const e of a.extensions) {
    if (e.status !== 'APPROVED') continue;
    const f = FIELD[e.kind];
    if (ms(e.until) > ms(out[f])) out[f] = e.until;
  }
  return out;
}

/** evolve for the two extension events. */
export function evolveExtension(a: AssignmentState, event: Extract<DispatchEvent, { type: 'ExtensionRequested' | 'ExtensionDecided' }>): AssignmentState {
  if (event.type === 'ExtensionRequested') {
    const d = event.data;
    const added: ExtensionState = {
      requestId: d.requestId,
      kind: d.kind,
      until: d.until,
      reason: d.reason,
      dueAt: d.dueAt,
      requestedAt: d.requestedAt,
      status: 'PENDING',
      decidedAt: null,
      decisionReason: null,
      standing: false,
    };
    return { ...a, extensions: [...a.extensions, added] };
  }
  const d = event.data;
  const approved = d.decision === 'APPROVE';
  const standing = approved && d.standing === true;
  const extensions = a.extensions.map((e) =>
    e.requestId === d.requestId ? { ...e, status: approved ? ('APPROVED' as const) : ('DENIED' as const), decidedAt: d.decidedAt, decisionReason: d.reason, standing } : e,
  );
  if (!approved) return { ...a, extensions };
  // A deadline that had fallen due is still judged at its own time, unless judged already.
  const keepJudging = standing && !a.missed[d.kind] && !a.standing[d.kind];
  return {
    ...a,
    extensions,
    deadlines: d.deadlines ?? { ...a.deadlines, [FIELD[d.kind]]: d.until },
    standing: keepJudging ? { ...a.standing, [d.kind]: d.dueAt } : a.standing,
  };
}

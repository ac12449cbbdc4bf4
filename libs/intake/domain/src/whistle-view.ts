import type { AssignmentStatus } from '@chuishao/contracts';
import type { FeedbackGivenData, WhistleBlownData } from '@chuishao/intake-contracts';
import type { AppliedRule, TriageOverriddenData, WhistleTriagedData } from '@chuishao/triage-contracts';
import type { DeadlinesChangedData, DepartmentsSummonedData, DisputeResolvedData, ReplyAppliedData, DeadlineMissedData, AssignmentsCancelledData, AssignmentsClosedData, ExtensionDecidedData, ExtensionRequestedData } from '@chuishao/dispatch-contracts';
import type { AssignmentView, ExtensionView, ViewEvent, WhistleStatus, WhistleView } from './whistle-view-model';

const OPEN_ASSIGNMENT: ReadonlyArray<AssignmentStatus> = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];

function earliest(values: Array<string | null>): string | null {
  const v = values.filter((x): x is string => !!x).sort();
  return v[0] ?? null;
}

function withDeadlines(view: WhistleView): WhistleView {
  const open = view.assignments.filter((a) => OPEN_ASSIGNMENT.includes(a.status));
  return {
    ...view,
    deadlines: {
      reportBy: earliest(open.filter((a) => !a.reportedAt).map((a) => a.deadlines.reportBy)),
      arriveBy: earliest(open.filter((a) => !a.arrivedAt).map((a) => a.deadlines.arriveBy)),
      completeBy: earliest(open.map((a) => a.deadlines.completeBy)),
    },
  };
}

function patchAssignment(view: WhistleView, id: string, patch: (a: AssignmentView) => AssignmentView): WhistleView {
  return { ...view, assignments: view.assignments.map((a) => (a.id === id ? patch(a) : a)) };
}

const CLOSED: ReadonlyArray<WhistleStatus> = ['RESOLVED', 'WITHDRAWN'];

/**
 * Folds one event, from any service, into the whistle's read model. Pure: the projector stores
 * the result in the same transaction as its inbox row. Unknown event types leave the view as is.
 */
export function evolveView(view: WhistleView | undefined, e: ViewEvent): WhistleView | undefined {
  if (view?.localEventIds?.includes(e.eventId)) {
    // already applied by the command that recorded it: the bus copy only counts it
    const rest = view.localEventIds.filter((id) => id !== e.eventId);
    return { ...view, localEventIds: rest, version: view.version + 1 };
  }
  if (e.type === 'WhistleBlown') {
    // intake writes the first view in the blow transaction (read-your-writes); the bus copy only counts it.
    if (view) return { ...view, version: view.version + 1 };
    const d = e.data as WhistleBlownData;
    return {
      id: d.whistleId,
      streetId: d.streetId,
      situationCode: d.situationCode,
      area: d.area,
      title: d.title,
      description: d.description,
      location: d.location,
      requestedDepartments: d.requestedDepartments,
      hints: d.hints,
      attachments: d.attachments,
      status: 'BLOWN',
      level: null,
      triage: null,
      deadlines: { reportBy: null, arriveBy: null, completeBy: null },
      assignments: [],
      feedback: null,
      escalations: 0,
      createdAt: e.occurredAt,
      updatedAt: e.occurredAt,
      version: 1,
    };
  }
  if (!view) return view;
  const next = applyToExisting(view, e);
  return { ...next, updatedAt: e.occurredAt > view.updatedAt ? e.occurredAt : view.updatedAt, version: view.version + 1 };
}

/**
 * Folds events intake has just recorded into the view inside the command's transaction, so the
 * street reads its own write. `version` is unchanged and each event id is remembered in
 * `localEventIds`, so that the projector's later evolve of the bus copy is a no-op but for `version`.
 */
export function applyLocally(view: WhistleView, events: ReadonlyArray<ViewEvent>): WhistleView {
  let next = view;
  for (const e of events) {
    const evolved = evolveView(next, e);
    if (!evolved) break;
    next = { ...evolved, version: next.version, localEventIds: [...(next.localEventIds ?? []), e.eventId] };
  }
  return next;
}

function applyToExisting(view: WhistleView, e: ViewEvent): WhistleView {
  switch (e.type) {
    case 'WhistleTriaged': {
      const d = e.data as WhistleTriagedData;
      return {
        ...view,
        status: view.status === 'BLOWN' ? 'TRIAGED' : view.status,
        level: d.level,
        triage: {
          level: d.level,
          policyVersion: d.policyVersion,
          // Every applied rule, in the order applied, in both: rules[i] is reasons[i].rule (docs/triage-policy.md).
          rules: d.rules.map((r: AppliedRule) => r.id),
          reasons: d.rules.map((r: AppliedRule) => ({ rule: r.id, zh: r.reason.zh, en: r.reason.en })),
        },
      };
    }
    case 'TriageOverridden': {
      const d = e.data as TriageOverriddenData;
      return {
        ...view,
        level: d.to,
        triage: view.triage
          ? { ...view.triage, level: d.to, overridden: { from: d.from, reason: d.reason } }
          : { level: d.to, policyVersion: d.policyVersion, rules: [], reasons: [], overridden: { from: d.from, reason: d.reason } },
      };
    }
    case 'DepartmentsSummoned': {
      const d = e.data as DepartmentsSummonedData;
      const added: AssignmentView[] = d.assignments.map((a) => ({
        id: a.assignmentId,
        departmentId: a.departmentId,
        role: a.role,
        status: 'SUMMONED',
        summonedAt: d.summonedAt,
        reportedAt: null,
        arrivedAt: null,
        completedAt: null,
        result: null,
        deadlines: a.deadlines,
        overdue: [],
        extensions: [],
      }));
      const status = CLOSED.includes(view.status) ? view.status : view.status === 'BLOWN' || view.status === 'TRIAGED' ? 'DISPATCHED' : view.status;
      return withDeadlines({ ...view, status, assignments: [...view.assignments, ...added] });
    }
    case 'DepartmentReported':
    case 'DepartmentArrived':
    case 'HandlingProgressed':
    case 'AssignmentDisputed': {
      const d = e.data as ReplyAppliedData;
      const next = patchAssignment(view, d.assignmentId, (a) => {
        if (e.type === 'DepartmentReported') return { ...a, status: 'REPORTED', reportedAt: d.receivedAt };
        if (e.type === 'DepartmentArrived') return { ...a, status: 'ARRIVED', arrivedAt: d.receivedAt, reportedAt: a.reportedAt ?? d.receivedAt };
        if (e.type === 'AssignmentDisputed') return { ...a, status: 'DISPUTED' };
        return { ...a, status: a.status === 'SUMMONED' || a.status === 'REPORTED' || a.status === 'ARRIVED' ? 'IN_PROGRESS' : a.status };
      });
      const status = view.status === 'DISPATCHED' && e.type !== 'AssignmentDisputed' ? 'IN_PROGRESS' : view.status;
      return withDeadlines({ ...next, status });
    }
    case 'DepartmentCompleted': {
      const d = e.data as ReplyAppliedData & { result: string };
      const next = patchAssignment(view, d.assignmentId, (a) => ({ ...a, status: 'COMPLETED', completedAt: d.receivedAt, result: d.result }));
      const lead = next.assignments.find((a) => a.id === d.assignmentId);
      const status = lead?.role === 'LEAD' && !CLOSED.includes(view.status) ? 'COMPLETED' : view.status === 'DISPATCHED' ? 'IN_PROGRESS' : view.status;
      return withDeadlines({ ...next, status });
    }
    case 'DisputeResolved': {
      const d = e.data as DisputeResolvedData;
      let next = patchAssignment(view, d.assignmentId, (a) =>
        d.decision === 'UPHOLD'
          ? { ...a, status: 'REASSIGNED' }
          : { ...a, status: a.reportedAt ? 'IN_PROGRESS' : 'SUMMONED', deadlines: d.deadlines ?? a.deadlines }, // the clock resumed: moved by the wait
      );
      if (d.reassignedTo) {
        const r = d.reassignedTo;
        next = {
          ...next,
          assignments: [
            ...next.assignments,
            { id: r.assignmentId, departmentId: r.departmentId, role: r.role, status: 'SUMMONED', summonedAt: e.occurredAt, reportedAt: null, arrivedAt: null, completedAt: null, result: null, deadlines: r.deadlines, overdue: [], extensions: [] },
          ],
        };
      }
      return withDeadlines(next);
    }
    case 'DeadlineMissed': {
      const d = e.data as DeadlineMissedData;
      return patchAssignment(view, d.assignmentId, (a) => ({ ...a, overdue: [...a.overdue, { kind: d.kind, dueAt: d.dueAt }] }));
    }
    case 'WhistleEscalated':
      return { ...view, escalations: view.escalations + 1 };
    case 'DeadlinesChanged': {
      const d = e.data as DeadlinesChangedData;
      let next = view;
      for (const c of d.assignments) next = patchAssignment(next, c.assignmentId, (a) => ({ ...a, deadlines: c.deadlines }));
      return withDeadlines(next);
    }
    case 'AssignmentsCancelled':
    case 'AssignmentsClosed': {
      const d = e.data as AssignmentsCancelledData | AssignmentsClosedData;
      return withDeadlines({
        ...view,
        assignments: view.assignments.map((a) => (d.assignmentIds.includes(a.id) ? { ...a, status: 'CLOSED' } : a)),
      });
    }
    case 'ExtensionRequested': {
      const d = e.data as ExtensionRequestedData;
      const asked: ExtensionView = { requestId: d.requestId, kind: d.kind, until: d.until, reason: d.reason, dueAt: d.dueAt, requestedAt: d.requestedAt, status: 'PENDING', decidedAt: null, decisionReason: null };
      return patchAssignment(view, d.assignmentId, (a) => ({ ...a, extensions: [...(a.extensions ?? []), asked] }));
    }
    case 'ExtensionDecided': {
      const d = e.data as ExtensionDecidedData;
      const next = patchAssignment(view, d.assignmentId, (a) => ({
        ...a,
        extensions: (a.extensions ?? []).map((x) =>
          x.requestId === d.requestId ? { ...x, status: d.decision === 'APPROVE' ? ('APPROVED' as const) : ('DENIED' as const), decidedAt: d.decidedAt, decisionReason: d.reason } : x,
        ),
        deadlines: d.decision === 'APPROVE' && d.deadlines ? d.deadlines : a.deadlines,
      }));
      return withDeadlines(next);
    }
    case 'WhistleWithdrawn':
      return { ...view, status: 'WITHDRAWN' };
    case 'WhistleConfirmed':
      return { ...view, status: 'RESOLVED' };
    case 'WhistleReopened':
      return withDeadlines({
        ...view,
        status: 'REOPENED',
        assignments: view.assignments.map((a) => (a.status === 'COMPLETED' ? { ...a, status: 'IN_PROGRESS', completedAt: null } : a)),
      });
    case 'FeedbackRequested': {
      const d = e.data as { expiresAt: string };
      return { ...view, feedback: { status: 'REQUESTED', expiresAt: d.expiresAt, requestEventId: e.eventId } };
    }
    case 'FeedbackGiven': {
      const d = e.data as FeedbackGivenData;
      return view.feedback ? { ...view, feedback: { ...view.feedback, status: 'GIVEN', rating: d.rating, score: d.score } } : view;
    }
    default:
      return view;
  }
}

import type { ProjectableEvent } from './assessment-projection';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown) => typeof v === 'string' && UUID.test(v);
const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * Why a whistle event cannot be projected (it would fail in SQL and be retried forever), or
 * undefined. Only the fields the projection reads are checked.
 */
export function projectionProblem(e: ProjectableEvent): string | undefined {
  const d = e.data as Record<string, unknown>;
  const whistleId = e.whistleId ?? d.whistleId;
  if (!isUuid(whistleId)) return 'whistleId must be a UUID';
  if (!isTime(e.occurredAt)) return 'occurredAt must be an ISO time';
  const assignment = (a: unknown, where: string): string | undefined => {
    const x = a as Record<string, unknown> | null;
    if (!x || typeof x !== 'object') return `${where} must be an object`;
    if (!isUuid(x.assignmentId)) return `${where}.assignmentId must be a UUID`;
    if ('departmentId' in x && !isUuid(x.departmentId)) return `${where}.departmentId must be a UUID`;
    const deadlines = x.deadlines as Record<string, unknown> | undefined;
    if (!deadlines || !isTime(deadlines.completeBy)) return `${where}.deadlines.completeBy must be an ISO time`;
    return undefined;
  };
  switch (e.type) {
    case 'DepartmentsSummoned':
      if (!isTime(d.summonedAt)) return 'summonedAt must be an ISO time';
      if (!Array.isArray(d.assignments)) return 'assignments must be an array';
      for (const [i, a] of d.assignments.entries()) {
        const p = assignment(a, `assignments[${i}]`);
        if (p) return p;
        if (!isUuid((a as Record<string, unknown>).departmentId)) return `assignments[${i}].departmentId must be a UUID`;
      }
      return undefined;
    case 'DeadlinesChanged':
      if (!Array.isArray(d.assignments)) return 'assignments must be an array';
      for (const [i, a] of d.assignments.entries()) {
        const p = assignment(a, `assignments[${i}]`);
        if (p) return p;
      }
      return undefined;
    case 'DepartmentReported':
    case 'DepartmentArrived':
    case 'DepartmentCompleted':
      if (!isUuid(d.assignmentId)) return 'assignmentId must be a UUID';
      if (!isTime(d.receivedAt)) return 'receivedAt must be an ISO time';
      return undefined;
    case 'AssignmentDisputed':
      return isUuid(d.assignmentId) ? undefined : 'assignmentId must be a UUID';
    case 'DisputeResolved':
      if (!isUuid(d.assignmentId)) return 'assignmentId must be a UUID';
      if (d.deadlines !== undefined && !isTime((d.deadlines as Record<string, unknown> | null)?.completeBy)) return 'deadlines.completeBy must be an ISO time';
      if (d.reassignedTo) {
        const p = assignment(d.reassignedTo, 'reassignedTo');
        if (p) return p;
        if (!isUuid((d.reassignedTo as Record<string, unknown>).departmentId)) return 'reassignedTo.departmentId must be a UUID';
      }
      return undefined;
    case 'AssignmentsCancelled':
    case 'AssignmentsClosed':
      return Array.isArray(d.assignmentIds) && d.assignmentIds.every(isUuid) ? undefined : 'assignmentIds must be UUIDs';
    case 'DeadlineMissed':
      return isUuid(d.assignmentId) ? undefined : 'assignmentId must be a UUID';
    case 'FeedbackGiven':
      return ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'].includes(d.rating as string) ? undefined : 'rating must be SATISFIED, BASICALLY_SATISFIED or DISSATISFIED';
    case 'WhistleBlown':
    case 'WhistleTriaged':
      return d.streetId === undefined || isUuid(d.streetId) ? undefined : 'streetId must be a UUID';
    default:
      return undefined;
  }
}

import type { DeadlineMissedData, DepartmentsSummonedData, DisputeResolvedData, ReplyAppliedData } from '@chuishao/dispatch-contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { TriageOverriddenData, WhistleTriagedData } from '@chuishao/triage-contracts';
import type { FactSource } from './facts';

/**
 * The analysis read model (分析研判, contract §8): one row per whistle and per assignment with what
 * the summary counts and times. Current state only (analytics has no asOf).
 */
export type WhistleStatus = 'BLOWN' | 'TRIAGED' | 'DISPATCHED' | 'IN_PROGRESS' | 'COMPLETED' | 'RESOLVED' | 'REOPENED' | 'WITHDRAWN';

export interface WhistleAnalytics {
  streetId: string | null;
  situationCode: string | null;
  area: string | null;
  normalisedAddress: string | null;
  level: string | null;
  status: WhistleStatus;
  blownAt: string | null;
}

export interface AssignmentAnalytics {
  departmentId: string;
  role: string;
  summonedAt: string;
  /** Receipt times (the contract judges by the time we received the reply). */
  reportedAt: string | null;
  arrivedAt: string | null;
  completedAt: string | null;
  /** A DeadlineMissed was recorded for it. */
  overdue: boolean;
}

export interface AnalyticsState {
  whistle: WhistleAnalytics;
  assignments: Record<string, AssignmentAnalytics>;
}

export const ANALYTICS_EVENT_TYPES = [
  'WhistleBlown',
  'WhistleTriaged',
  'TriageOverridden',
  'DepartmentsSummoned',
  'DepartmentReported',
  'DepartmentArrived',
  'DepartmentCompleted',
  'DisputeResolved',
  'DeadlineMissed',
  'WhistleConfirmed',
  'WhistleReopened',
  'WhistleWithdrawn',
] as const;

export const emptyAnalytics = (): AnalyticsState => ({
  whistle: { streetId: null, situationCode: null, area: null, normalisedAddress: null, level: null, status: 'BLOWN', blownAt: null },
  assignments: {},
});

const CLOSED: WhistleStatus[] = ['RESOLVED', 'WITHDRAWN'];

/** Folds one whistle event into the analysis state (mutated). */
export function evolveAnalytics(s: AnalyticsState, e: FactSource): void {
  const w = s.whistle;
  switch (e.type) {
    case 'WhistleBlown': {
      const d = e.data as WhistleBlownData;
      Object.assign(w, { streetId: d.streetId, situationCode: d.situationCode, area: d.area, normalisedAddress: d.location?.normalisedAddress ?? null, blownAt: e.occurredAt });
      break;
    }
    case 'WhistleTriaged': {
      const d = e.data as WhistleTriagedData;
      w.level = d.level;
      if (w.status === 'BLOWN') w.status = 'TRIAGED';
      w.streetId ??= d.streetId;
      w.situationCode ??= d.situationCode;
      w.area ??= d.area;
      break;
    }
    case 'TriageOverridden':
      w.level = (e.data as TriageOverriddenData).to;
      break;
    case 'DepartmentsSummoned': {
      const d = e.data as DepartmentsSummonedData;
      for (const a of d.assignments) {
        s.assignments[a.assignmentId] ??= { departmentId: a.departmentId, role: a.role, summonedAt: d.summonedAt, reportedAt: null, arrivedAt: null, completedAt: null, overdue: false };
      }
      if (w.status === 'BLOWN' || w.status === 'TRIAGED') w.status = 'DISPATCHED';
      break;
    }
    case 'DepartmentReported':
    case 'DepartmentArrived':
    case 'DepartmentCompleted': {
      const d = e.data as ReplyAppliedData;
      const a = s.assignments[d.assignmentId];
      if (a) {
        if (e.type === 'DepartmentReported') a.reportedAt ??= d.receivedAt;
        if (e.type === 'DepartmentArrived') {
          a.arrivedAt ??= d.receivedAt;
          a.reportedAt ??= d.receivedAt;
        }
        if (e.type === 'DepartmentCompleted') a.completedAt = d.receivedAt;
      }
      if (e.type === 'DepartmentCompleted' && a?.role === 'LEAD' && !CLOSED.includes(w.status)) w.status = 'COMPLETED';
      else if (w.status === 'DISPATCHED') w.status = 'IN_PROGRESS';
      break;
    }
    case 'DisputeResolved': {
      const r = (e.data as DisputeResolvedData).reassignedTo;
      if (r) s.assignments[r.assignmentId] ??= { departmentId: r.departmentId, role: r.role, summonedAt: e.occurredAt, reportedAt: null, arrivedAt: null, completedAt: null, overdue: false };
      break;
    }
    case 'DeadlineMissed': {
      const a = s.assignments[(e.data as DeadlineMissedData).assignmentId];
      if (a) a.overdue = true;
      break;
    }
    case 'WhistleConfirmed':
      w.status = 'RESOLVED';
      break;
    case 'WhistleReopened':
      w.status = 'REOPENED';
      break;
    case 'WhistleWithdrawn':
      w.status = 'WITHDRAWN';
      break;
    default:
      break;
  }
}

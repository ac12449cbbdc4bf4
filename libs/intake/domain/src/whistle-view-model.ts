import type { Actor, AssignmentStatus, Level } from '@chuishao/contracts';
import type { FeedbackGivenData, WhistleBlownData, WhistleLocation } from '@chuishao/intake-contracts';
import type { AssignmentRole, Deadlines } from '@chuishao/dispatch-contracts';

export type WhistleStatus = 'BLOWN' | 'TRIAGED' | 'DISPATCHED' | 'IN_PROGRESS' | 'COMPLETED' | 'RESOLVED' | 'REOPENED' | 'WITHDRAWN';
/** CLOSED: still open when its whistle was confirmed or withdrawn (contract §4; also a legacy AssignmentsCancelled). */

export interface AssignmentView {
  id: string;
  departmentId: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  summonedAt: string;
  reportedAt: string | null;
  arrivedAt: string | null;
  completedAt: string | null;
  result: string | null;
  deadlines: Deadlines;
  overdue: Array<{ kind: string; dueAt: string }>;
  /** Extension requests (延期申请, contract §11), pending and decided; absent in views stored before them. */
  extensions?: ExtensionView[];
}

/** An extension request of an assignment as the whistle shows it. */
export interface ExtensionView {
  requestId: string;
  kind: 'ARRIVE' | 'COMPLETE';
  until: string;
  reason: string;
  /** The deadline in force when asked. */
  dueAt: string;
  requestedAt: string;
  status: 'PENDING' | 'APPROVED' | 'DENIED';
  decidedAt: string | null;
  decisionReason: string | null;
}

/** The read model of GET /api/v1/whistles/{id} (contract §2). */
export interface WhistleView {
  id: string;
  streetId: string;
  situationCode: string;
  area: string;
  title: string;
  description: string;
  location: WhistleLocation;
  requestedDepartments: string[];
  hints: WhistleBlownData['hints'];
  attachments: WhistleBlownData['attachments'];
  status: WhistleStatus;
  level: Level | null;
  triage: { level: Level; policyVersion: number; rules: string[]; reasons: Array<{ rule: string; zh: string; en: string }>; overridden?: { from: Level; reason: string } } | null;
  deadlines: { reportBy: string | null; arriveBy: string | null; completeBy: string | null };
  assignments: AssignmentView[];
  feedback: { status: 'REQUESTED' | 'GIVEN'; expiresAt: string; requestEventId: string; rating?: FeedbackGivenData['rating']; score?: number } | null;
  escalations: number;
  createdAt: string;
  updatedAt: string;
  /**
   * How many events of the whistle's bus stream (TOPICS.whistleEvents) the projector has absorbed,
   * i.e. the length of its audit ledger. Events intake applies in its own command transaction
   * (read-your-writes, {@link applyLocally}) do not count until their bus copy is projected.
   */
  version: number;
  /**
   * Ids of intake's own events already folded in by the command that recorded them, whose bus copy
   * the projector has not seen yet. When it does, the copy only bumps `version` (idempotent).
   * Internal: never presented.
   */
  localEventIds?: string[];
}

/** An event as the projector sees it, whichever service recorded it. */
export interface ViewEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  actor: Actor;
  data: unknown;
}

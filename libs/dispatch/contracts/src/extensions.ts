import type { Deadlines } from './assignments';

/** The deadlines a department may ask to move (contract §11): the report deadline is never extended. */
export const EXTENSION_KINDS = ['ARRIVE', 'COMPLETE'] as const;
export type ExtensionKind = (typeof EXTENSION_KINDS)[number];

/**
 * How many extensions the command center may approve per assignment when no scoring policy version
 * applies. Contract §11/§12 make it a field of assessment's scoring policy (default 2): dispatch
 * reads the versions from ScoringPolicyPublished and applies the one in force at the start of the
 * summons' month — see docs/departments.md.
 */
export const DEFAULT_EXTENSION_CAP = 2;

/**
 * 延期申请 (contract §11): a department asks for more time for one deadline of its assignment, over
 * HTTP (`POST …/extension`) or as a reply of type EXTENSION. A reply like the others: `replyId`
 * makes it idempotent, `requestedAt` (our receipt) is its time.
 */
export interface ExtensionRequestedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  /** The id the command center decides on (`POST …/extension-decision {"requestId"}`). */
  requestId: string;
  replyId: string;
  kind: ExtensionKind;
  /** The deadline asked for: after the deadline in force (`dueAt`). */
  until: string;
  reason: string;
  /** The deadline in force when the request was received. */
  dueAt: string;
  /** When we received the request (a reply's receivedAt). */
  requestedAt: string;
  at: string | null;
  by: { name: string } | null;
  channel: 'kafka' | 'http';
}

/**
 * The command center's decision on an extension request. APPROVE moves the deadline `kind` to
 * `until`: `deadlines` are the assignment's deadlines afterwards. `standing`: the deadline in force
 * (`dueAt`) had already fallen due when the decision came — it is judged at its own time as
 * before (a miss of it stands), the new deadline applies from the decision on.
 */
export interface ExtensionDecidedData {
  whistleId: string;
  assignmentId: string;
  departmentId: string;
  requestId: string;
  kind: ExtensionKind;
  decision: 'APPROVE' | 'DENY';
  reason: string;
  until: string;
  /** The deadline in force when the decision was made. */
  dueAt: string;
  decidedAt: string;
  /** APPROVE: the assignment's deadlines once moved. */
  deadlines?: Deadlines;
  /** APPROVE: the deadline `dueAt` had fallen due before the decision (a miss of it stands). */
  standing?: boolean;
}

import type { Actor } from './vocabulary';

/**
 * Names every service agrees on: the bus topics. Each context's own event types live in its
 * `contracts` library; this one only holds what no single context owns.
 */
export const TOPICS = {
  /** Every event that belongs to a whistle, from every service, keyed by whistle id: Kafka's
   * per-partition order makes this the whistle's causal order (ADR 0002). */
  whistleEvents: 'chuishao.whistle.events',
  /** Events that belong to no whistle: policies published, ratings, periods closed. */
  policyEvents: 'chuishao.policy.events',
  assessmentEvents: 'chuishao.assessment.events',
  /** What each service parks and clears (contract §10), keyed by the parked key (a whistle id):
   * intake keeps the whistles' `stuck` lists from it. */
  stuck: 'chuishao.ops.stuck',
} as const;

/** The contract's per-department topics (§4): one set per department, so ACLs can bind to them. */
export const departmentTopics = (departmentId: string) => ({
  assignments: `chuishao.dept.${departmentId}.assignments`,
  replies: `chuishao.dept.${departmentId}.replies`,
  rejected: `chuishao.dept.${departmentId}.replies.rejected`,
});

/**
 * A whistle's stream, the same name in every service's event store (intake's ledger merges them
 * into the whistle's audit stream).
 */
export const whistleStreamId = (whistleId: string): string => `whistle-${whistleId}`;
/** {@link whistleStreamId} in SQL, of a column or expression holding the whistle id. */
export const whistleStreamIdSql = (whistleId: string): string => `'whistle-' || ${whistleId}`;
/** The whistle of a stream named by {@link whistleStreamId}. */
export const whistleIdOfStream = (streamId: string): string => streamId.slice('whistle-'.length);

/** Service-internal actor for events a service records on its own initiative. */
export const systemActor = (service: string): Actor => ({ role: 'system', org: null, sub: service });

export type ServiceName = 'intake' | 'triage' | 'dispatch' | 'assessment';
export * from './durations';
export * from './vocabulary';

export { cleanText, cleanTextInput } from './text';

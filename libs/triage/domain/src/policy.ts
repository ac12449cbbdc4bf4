import { mostUrgent } from '@chuishao/catalog';
import { isDuration as isContractDuration, type Level } from '@chuishao/contracts';
import {
  DEFAULT_TRIAGE_SLA,
  TRIAGE_RULE_IDS,
  type LevelSla,
  type Sla,
  type TriageRules,
} from '@chuishao/triage-contracts';

export type { Level, LevelSla, Sla, TriageRules };
export const RULE_IDS = TRIAGE_RULE_IDS;

/** "Never below `floor`": the more urgent of the two (catalog order, RED most urgent). */
export const atLeast = (level: Level, floor: Level): Level => mostUrgent(level, floor);

export interface TriagePolicy {
  version: number;
  sla: Sla;
  rules: TriageRules;
}

/** The contract's default policy v1 (§3). */
export const DEFAULT_TRIAGE_POLICY: TriagePolicy = {
  version: 1,
  sla: DEFAULT_TRIAGE_SLA,
  rules: {
    base: { enabled: true },
    'life-safety': { enabled: true, level: 'RED' },
    'households-affected': { enabled: true, threshold: 50, steps: 1 },
    recurring: { enabled: true, minEarlier: 2, radiusMeters: 200, windowDays: 30, steps: 1 },
    'emergency-floor': { enabled: true, area: 'EMERGENCY', floor: 'YELLOW' },
  },
};

// SLA durations are part of the contract: one parser for every service.
export { deadlinesFrom, durationMs } from '@chuishao/contracts';

/** True for the ISO 8601 durations {@link durationMs} accepts. */
export function isDuration(iso: unknown): iso is string {
  return typeof iso === 'string' && isContractDuration(iso);
}

/** One version of the policy with when and by whom it was published (null for the built-in v1). */
export interface PolicyVersion {
  policy: TriagePolicy;
  publishedAt: Date | null;
  publishedBy: { role: string; org: string | null; sub: string } | null;
}

export const BUILT_IN_POLICY: PolicyVersion = { policy: DEFAULT_TRIAGE_POLICY, publishedAt: null, publishedBy: null };

/**
 * The policy in force at `at` (the time a whistle was BLOWN, not the time it is triaged): the
 * latest published version with publishedAt ≤ at, else the built-in v1. `history` is in version
 * order, as stored.
 */
export function policyInForceAt(history: readonly PolicyVersion[], at: Date): PolicyVersion {
  const t = at.getTime();
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i];
    if (v.publishedAt === null || v.publishedAt.getTime() <= t) return v;
  }
  return BUILT_IN_POLICY;
}

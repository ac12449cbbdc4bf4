import { mostUrgent, type Level } from '@chuishao/catalog';
import {
  DEFAULT_TRIAGE_SLA,
  TRIAGE_RULE_IDS,
  type LevelSla,
  type Sla,
  type TriageRuleId,
  type TriageRules,
} from '@chuishao/triage-contracts';

export type { Level, LevelSla, Sla, TriageRules, TriageRuleId };
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

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** True for the ISO 8601 durations {@link durationMs} accepts. */
export function isDuration(iso: unknown): iso is string {
  return typeof iso === 'string' && iso !== 'P' && !iso.endsWith('T') && DURATION.test(iso);
}

/** ISO 8601 duration (weeks, days, hours, minutes, seconds; no years or months: they have no fixed length) → ms. */
export function durationMs(iso: string): number {
  const m = DURATION.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const [, w, d, h, min, s] = m;
  return (((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60000 + Math.round(Number(s ?? 0) * 1000);
}

export function deadlinesFrom(start: Date, sla: LevelSla): { reportBy: string; arriveBy: string; completeBy: string } {
  const t = start.getTime();
  return {
    reportBy: new Date(t + durationMs(sla.report)).toISOString(),
    arriveBy: new Date(t + durationMs(sla.arrive)).toISOString(),
    completeBy: new Date(t + durationMs(sla.complete)).toISOString(),
  };
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

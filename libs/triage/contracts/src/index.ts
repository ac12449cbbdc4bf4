/**
 * Integration events recorded by triage (红黄蓝分级响应). Whistle-scoped events (WhistleTriaged,
 * TriageOverridden) are published on TOPICS.whistleEvents keyed by whistleId; policy versions
 * (TriagePolicyPublished) on TOPICS.policyEvents keyed 'triage'. Additive changes only.
 */
import type { Level } from '@chuishao/contracts';

/** ISO 8601 durations (weeks, days, hours, minutes, seconds), e.g. PT15M, P7D, PT2S. */
export interface LevelSla {
  /** 报到 — the department acknowledges, counted from dispatch. */
  report: string;
  /** 到场 — the department is on site. */
  arrive: string;
  /** 办结 — the department has finished. */
  complete: string;
}
export type Sla = Record<Level, LevelSla>;

/** Rule ids of the triage policy, in the order they are applied (contract §3). */
export const TRIAGE_RULE_IDS = ['base', 'life-safety', 'households-affected', 'recurring', 'emergency-floor'] as const;
export type TriageRuleId = (typeof TRIAGE_RULE_IDS)[number];

/** The parameters of the five rules; every policy version carries all five (see docs/triage-policy.md). */
export interface TriageRules {
  /** 1. base level = the situation's defaultLevel. Cannot be disabled. */
  base: { enabled: true };
  /** 2. hints.lifeSafety true → at least `level`. */
  'life-safety': { enabled: boolean; level: Level };
  /** 3. hints.householdsAffected ≥ threshold → `steps` levels up. */
  'households-affected': { enabled: boolean; threshold: number; steps: number };
  /** 4. ≥ minEarlier earlier whistles of the same situation within radiusMeters (or at the same normalised address) in windowDays → `steps` up. */
  recurring: { enabled: boolean; minEarlier: number; radiusMeters: number; windowDays: number; steps: number };
  /** 5. whistles of `area` are never below `floor`. */
  'emergency-floor': { enabled: boolean; area: string; floor: Level };
}

export interface AppliedRule {
  id: string;
  /** The level after the rule was applied. */
  level: Level;
  changed: boolean;
  reason: { zh: string; en: string };
}

export interface WhistleTriagedData {
  whistleId: string;
  streetId: string;
  situationCode: string;
  area: string;
  level: Level;
  /** The policy version in force when the whistle was BLOWN. */
  policyVersion: number;
  rules: AppliedRule[];
  /** The SLA of the level under that policy; dispatch turns it into deadlines at dispatch time. */
  sla: LevelSla;
  requestedDepartments: string[];
}

export interface TriageOverriddenData {
  whistleId: string;
  from: Level;
  to: Level;
  reason: string;
  /** The whistle's policy version (the one it was triaged with; an override does not change it). */
  policyVersion: number;
  /** The SLA of the new level under that policy: dispatch recomputes open assignments' deadlines with it. */
  sla: LevelSla;
}

export interface TriagePolicyPublishedData {
  /** 1 is the contract's built-in default; every publication is the previous version + 1. */
  version: number;
  sla: Sla;
  rules: TriageRules;
}

export type TriageEvent =
  | { type: 'WhistleTriaged'; data: WhistleTriagedData }
  | { type: 'TriageOverridden'; data: TriageOverriddenData }
  | { type: 'TriagePolicyPublished'; data: TriagePolicyPublishedData };

/** The SLA of the contract's default policy v1 (§3), for services that show SLAs before any policy was published. */
export const DEFAULT_TRIAGE_SLA: Sla = {
  RED: { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' },
  YELLOW: { report: 'PT2H', arrive: 'PT24H', complete: 'PT72H' },
  BLUE: { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' },
};

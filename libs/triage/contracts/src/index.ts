/** Integration events recorded by triage, published on TOPICS.whistleEvents (whistle-scoped) and TOPICS.policyEvents. */
export type Level = 'RED' | 'YELLOW' | 'BLUE';

/** ISO 8601 durations, e.g. PT15M, PT2S. */
export interface LevelSla {
  report: string;
  arrive: string;
  complete: string;
}
export type Sla = Record<Level, LevelSla>;

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
  policyVersion: number;
  rules: AppliedRule[];
  /** The SLA of the level under the policy in force; dispatch turns it into deadlines at dispatch time. */
  sla: LevelSla;
  requestedDepartments: string[];
}

export interface TriageOverriddenData {
  whistleId: string;
  from: Level;
  to: Level;
  reason: string;
  policyVersion: number;
  sla: LevelSla;
}

export interface TriagePolicyPublishedData {
  version: number;
  sla: Sla;
  rules: Record<string, unknown>;
}

export type TriageEvent =
  | { type: 'WhistleTriaged'; data: WhistleTriagedData }
  | { type: 'TriageOverridden'; data: TriageOverriddenData }
  | { type: 'TriagePolicyPublished'; data: TriagePolicyPublishedData };

import type { Level, LevelSla, Sla } from '@chuishao/triage-contracts';

export const LEVELS: readonly Level[] = ['RED', 'YELLOW', 'BLUE'];
/** RED is most urgent: rank 2, YELLOW 1, BLUE 0. */
export const levelRank = (l: Level): number => 2 - LEVELS.indexOf(l);
export const raise = (l: Level, steps = 1): Level => LEVELS[Math.max(0, LEVELS.indexOf(l) - steps)];
export const atLeast = (l: Level, floor: Level): Level => (levelRank(l) >= levelRank(floor) ? l : floor);

export interface TriageRules {
  base: { enabled: boolean };
  'life-safety': { enabled: boolean; level: Level };
  'households-affected': { enabled: boolean; threshold: number; steps: number };
  recurring: { enabled: boolean; minEarlier: number; radiusMeters: number; windowDays: number; steps: number };
  'emergency-floor': { enabled: boolean; area: string; floor: Level };
}
export const RULE_IDS = ['base', 'life-safety', 'households-affected', 'recurring', 'emergency-floor'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface TriagePolicy {
  version: number;
  sla: Sla;
  rules: TriageRules;
}

/** The contract's default policy v1 (§3). */
export const DEFAULT_TRIAGE_POLICY: TriagePolicy = {
  version: 1,
  sla: {
    RED: { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' },
    YELLOW: { report: 'PT2H', arrive: 'PT24H', complete: 'PT72H' },
    BLUE: { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' },
  },
  rules: {
    base: { enabled: true },
    'life-safety': { enabled: true, level: 'RED' },
    'households-affected': { enabled: true, threshold: 50, steps: 1 },
    recurring: { enabled: true, minEarlier: 2, radiusMeters: 200, windowDays: 30, steps: 1 },
    'emergency-floor': { enabled: true, area: 'EMERGENCY', floor: 'YELLOW' },
  },
};

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

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

import type { AppliedRule, Level } from '@chuishao/triage-contracts';
import { atLeast, levelRank, raise, type TriagePolicy } from './policy';

export interface TriageInput {
  situationCode: string;
  area: string;
  defaultLevel: Level;
  hints: { lifeSafety: boolean; householdsAffected: number | null };
  /** How many earlier whistles of the same situation are within the radius or at the same normalised address in the window. */
  recurringCount: number;
}

export interface TriageResult {
  level: Level;
  rules: AppliedRule[];
}

const LEVEL_ZH: Record<Level, string> = { RED: '红色', YELLOW: '黄色', BLUE: '蓝色' };

/**
 * Applies the policy's rules in order (contract §3); each rule is recorded with the level after
 * it and a human reason in Chinese and English, whether or not it changed anything.
 */
export function triage(input: TriageInput, policy: TriagePolicy): TriageResult {
  const rules: AppliedRule[] = [];
  const r = policy.rules;
  let level: Level = input.defaultLevel;
  rules.push({
    id: 'base',
    level,
    changed: true,
    reason: {
      zh: `呼叫情形 ${input.situationCode} 的默认响应级别为${LEVEL_ZH[level]}`,
      en: `situation ${input.situationCode} defaults to ${level}`,
    },
  });
  if (r['life-safety'].enabled && input.hints.lifeSafety) {
    const before = level;
    level = atLeast(level, r['life-safety'].level);
    rules.push({
      id: 'life-safety',
      level,
      changed: before !== level,
      reason: { zh: `涉及生命安全，响应级别不低于${LEVEL_ZH[r['life-safety'].level]}`, en: `life safety at risk: at least ${r['life-safety'].level}` },
    });
  }
  const households = input.hints.householdsAffected ?? 0;
  if (r['households-affected'].enabled && households >= r['households-affected'].threshold) {
    const before = level;
    level = raise(level, r['households-affected'].steps);
    rules.push({
      id: 'households-affected',
      level,
      changed: before !== level,
      reason: {
        zh: `影响 ${households} 户（≥ ${r['households-affected'].threshold} 户），提升一级`,
        en: `${households} households affected (≥ ${r['households-affected'].threshold}): one level up`,
      },
    });
  }
  if (r.recurring.enabled && input.recurringCount >= r.recurring.minEarlier) {
    const before = level;
    level = raise(level, r.recurring.steps);
    rules.push({
      id: 'recurring',
      level,
      changed: before !== level,
      reason: {
        zh: `近 ${r.recurring.windowDays} 天内同一地点（${r.recurring.radiusMeters} 米内）已有 ${input.recurringCount} 起同类呼叫，属反复发生问题，提升一级`,
        en: `${input.recurringCount} earlier whistles of this situation within ${r.recurring.radiusMeters} m in ${r.recurring.windowDays} days: recurring problem, one level up`,
      },
    });
  }
  const floor = r['emergency-floor'];
  if (floor.enabled && input.area === floor.area && levelRank(level) < levelRank(floor.floor)) {
    level = floor.floor;
    rules.push({
      id: 'emergency-floor',
      level,
      changed: true,
      reason: { zh: `应急处置类呼叫不低于${LEVEL_ZH[floor.floor]}`, en: `emergency response is never below ${floor.floor}` },
    });
  }
  return { level, rules };
}

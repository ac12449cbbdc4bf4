import type { Level } from '@chuishao/contracts';
import { defaultCatalog, raiseLevel } from '@chuishao/catalog';
import type { AppliedRule } from '@chuishao/triage-contracts';
import { atLeast, type TriagePolicy } from './policy';

export interface TriageInput {
  situationCode: string;
  area: string;
  defaultLevel: Level;
  hints: { lifeSafety: boolean; householdsAffected: number | null };
  /** How many earlier whistles are recurring neighbours of this one (see isRecurringNeighbour). */
  recurringCount: number;
}

export interface TriageResult {
  level: Level;
  rules: AppliedRule[];
}

const LEVEL_ZH: Record<Level, string> = { RED: '红色', YELLOW: '黄色', BLUE: '蓝色' };
const STEPS_ZH = ['', '一', '两'];
const stepsZh = (n: number): string => `提升${STEPS_ZH[n] ?? String(n)}级`;
const stepsEn = (n: number): string => (n === 1 ? 'one level up' : `${n} levels up`);

/**
 * Applies the policy's rules in order (contract §3) and records, for every rule whose condition
 * holds, its id, the level after it, whether it changed the level, and a reason in Chinese and
 * English. The base rule is always recorded; a disabled rule or one whose condition does not hold
 * is not. Pure: no clock, no I/O (the benchmark times this function).
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

  const life = r['life-safety'];
  if (life.enabled && input.hints.lifeSafety) {
    const before = level;
    level = atLeast(level, life.level);
    rules.push({
      id: 'life-safety',
      level,
      changed: before !== level,
      reason: { zh: `涉及生命安全，响应级别不低于${LEVEL_ZH[life.level]}`, en: `life safety at risk: at least ${life.level}` },
    });
  }

  const hh = r['households-affected'];
  const households = input.hints.householdsAffected ?? 0;
  if (hh.enabled && households >= hh.threshold) {
    const before = level;
    level = raiseLevel(level, hh.steps);
    rules.push({
      id: 'households-affected',
      level,
      changed: before !== level,
      reason: {
        zh: `影响 ${households} 户（≥ ${hh.threshold} 户），${stepsZh(hh.steps)}`,
        en: `${households} households affected (≥ ${hh.threshold}): ${stepsEn(hh.steps)}`,
      },
    });
  }

  const rec = r.recurring;
  if (rec.enabled && input.recurringCount >= rec.minEarlier) {
    const before = level;
    level = raiseLevel(level, rec.steps);
    rules.push({
      id: 'recurring',
      level,
      changed: before !== level,
      reason: {
        zh: `近 ${rec.windowDays} 天内同一地点（${rec.radiusMeters} 米内或同一地址）已有 ${input.recurringCount} 起同类呼叫，属反复发生问题，${stepsZh(rec.steps)}`,
        en: `${input.recurringCount} earlier whistles of this situation within ${rec.radiusMeters} m or at the same address in ${rec.windowDays} days: recurring problem, ${stepsEn(rec.steps)}`,
      },
    });
  }

  const floor = r['emergency-floor'];
  if (floor.enabled && input.area === floor.area) {
    const before = level;
    level = atLeast(level, floor.floor);
    rules.push({
      id: 'emergency-floor',
      level,
      changed: before !== level,
      reason: {
        zh: `${defaultCatalog().area(floor.area)?.name ?? floor.area}类呼叫不低于${LEVEL_ZH[floor.floor]}`,
        en: `${floor.area} whistles are never below ${floor.floor}`,
      },
    });
  }
  return { level, rules };
}

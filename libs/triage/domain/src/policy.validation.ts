import { isLevel, LEVELS, type Level } from '@chuishao/contracts';
import { AREA_CODES, isAreaCode } from '@chuishao/catalog';
import type { LevelSla, Sla, TriageRules } from '@chuishao/triage-contracts';
import { durationMs, isDuration, RULE_IDS } from './policy';

export interface PolicyFieldError {
  /** Dotted path into the request body, e.g. `sla.RED.report`, `rules.recurring.radiusMeters`. */
  field: string;
  message: string;
}

export type PolicyValidation = { ok: true; sla: Sla; rules: TriageRules } | { ok: false; errors: PolicyFieldError[] };

const PHASES = ['report', 'arrive', 'complete'] as const;
const PHASE_ZH: Record<(typeof PHASES)[number], string> = { report: '报到', arrive: '到场', complete: '办结' };

/** Longest deadline a policy may set (a year), and the other bounds documented in docs/triage-policy.md. */
const MAX_DURATION_MS = 366 * 86_400_000;
const LIMITS = {
  threshold: { min: 1, max: 1_000_000 },
  minEarlier: { min: 1, max: 1000 },
  radiusMeters: { max: 10_000 },
  windowDays: { min: 1, max: 365 },
  steps: { min: 1, max: 2 },
} as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the `sla` and `rules` of a policy to publish (pure; every problem is reported, not
 * only the first):
 * - sla: exactly the levels RED, YELLOW, BLUE, each with exactly report/arrive/complete, each an
 *   ISO 8601 duration (W, D, H, M, S; seconds allowed, e.g. PT2S) greater than zero and at most
 *   366 days; strictly increasing report < arrive < complete; and a more urgent level is never
 *   slower than a less urgent one in any phase (RED ≤ YELLOW ≤ BLUE, equal allowed).
 * - rules: exactly the five known rule ids (an unknown id is refused, a missing one is required:
 *   there are no implicit defaults), each with exactly its parameters (see docs/triage-policy.md).
 */
export function validatePolicy(input: { sla: unknown; rules: unknown }): PolicyValidation {
  const errors: PolicyFieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  validateSla(input.sla, err);
  validateRules(input.rules, err);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, sla: input.sla as Sla, rules: input.rules as TriageRules };
}

type Report = (field: string, message: string) => void;

function unknownKeys(obj: Json, known: readonly string[], where: string, what: string, err: Report): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) err(`${where}.${k}`, `未知的${what} / unknown ${what === '级别' ? 'level' : what === '规则' ? 'rule id' : 'field'} "${k}"`);
  }
}

function validateSla(sla: unknown, err: Report): void {
  if (!isObject(sla)) {
    err('sla', 'sla 必须是对象 / sla must be an object with RED, YELLOW and BLUE');
    return;
  }
  unknownKeys(sla, LEVELS, 'sla', '级别', err);
  const ms: Partial<Record<Level, Partial<Record<keyof LevelSla, number>>>> = {};
  for (const level of LEVELS) {
    const where = `sla.${level}`;
    const l = sla[level];
    if (!isObject(l)) {
      err(where, `缺少级别 ${level} 的时限 / ${level} must be an object with report, arrive and complete`);
      continue;
    }
    unknownKeys(l, PHASES, where, '字段', err);
    const values: Partial<Record<keyof LevelSla, number>> = {};
    for (const phase of PHASES) {
      const v = l[phase];
      if (v === undefined || v === null) {
        err(`${where}.${phase}`, `缺少${PHASE_ZH[phase]}时限 / ${phase} is required`);
      } else if (!isDuration(v)) {
        err(`${where}.${phase}`, `不是合法的 ISO 8601 时长（如 PT15M、P7D、PT2S）/ not an ISO 8601 duration (e.g. PT15M, P7D, PT2S): ${JSON.stringify(v)}`);
      } else {
        const n = durationMs(v);
        if (n <= 0) err(`${where}.${phase}`, `时限必须大于零 / must be longer than zero`);
        else if (n > MAX_DURATION_MS) err(`${where}.${phase}`, `时限不能超过 366 天 / must be at most 366 days`);
        else values[phase] = n;
      }
    }
    ms[level] = values;
    const { report, arrive, complete } = values;
    if (report !== undefined && arrive !== undefined && !(report < arrive)) {
      err(`${where}.arrive`, `到场时限必须长于报到时限 / arrive must be longer than report`);
    }
    if (arrive !== undefined && complete !== undefined && !(arrive < complete)) {
      err(`${where}.complete`, `办结时限必须长于到场时限 / complete must be longer than arrive`);
    } else if (arrive === undefined && report !== undefined && complete !== undefined && !(report < complete)) {
      err(`${where}.complete`, `办结时限必须长于报到时限 / complete must be longer than report`);
    }
  }
  // A more urgent level is never slower than a less urgent one, phase by phase.
  for (let i = 0; i < LEVELS.length - 1; i++) {
    const urgent = LEVELS[i];
    const calmer = LEVELS[i + 1];
    for (const phase of PHASES) {
      const a = ms[urgent]?.[phase];
      const b = ms[calmer]?.[phase];
      if (a !== undefined && b !== undefined && a > b) {
        err(
          `sla.${urgent}.${phase}`,
          `${urgent} 的${PHASE_ZH[phase]}时限不能长于 ${calmer} / ${urgent}.${phase} must not be longer than ${calmer}.${phase}`,
        );
      }
    }
  }
}

function validateRules(rules: unknown, err: Report): void {
  if (!isObject(rules)) {
    err('rules', `rules 必须是对象，包含全部五条规则 / rules must be an object with all five rules: ${RULE_IDS.join(', ')}`);
    return;
  }
  unknownKeys(rules, RULE_IDS, 'rules', '规则', err);
  for (const id of RULE_IDS) {
    const where = `rules.${id}`;
    const rule = rules[id];
    if (!isObject(rule)) {
      err(where, rule === undefined ? `缺少规则 ${id}（五条规则都必须给出）/ rule ${id} is required (every policy states all five rules)` : `规则必须是对象 / rule ${id} must be an object`);
      continue;
    }
    const params = RULE_PARAMS[id];
    unknownKeys(rule, ['enabled', ...Object.keys(params)], where, '字段', err);
    if (typeof rule.enabled !== 'boolean') err(`${where}.enabled`, `enabled 必须是布尔值 / enabled must be true or false`);
    else if (id === 'base' && rule.enabled !== true) err(`${where}.enabled`, `基础级别规则不能停用 / the base rule cannot be disabled`);
    for (const [name, check] of Object.entries(params)) {
      const problem = check(rule[name]);
      if (problem) err(`${where}.${name}`, problem);
    }
  }
}

type Check = (v: unknown) => string | undefined;

const level: Check = (v) => (isLevel(v) ? undefined : `必须是 ${LEVELS.join('、')} 之一 / must be one of ${LEVELS.join(', ')}`);
const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `必须是 ${min}–${max} 的整数 / must be an integer from ${min} to ${max}`;
const positive =
  (max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max ? undefined : `必须大于 0 且不超过 ${max} / must be greater than 0 and at most ${max}`;
const area: Check = (v) => (isAreaCode(v) ? undefined : `必须是呼叫领域代码之一 / must be one of ${AREA_CODES.join(', ')}`);

const RULE_PARAMS: Record<(typeof RULE_IDS)[number], Record<string, Check>> = {
  base: {},
  'life-safety': { level },
  'households-affected': { threshold: integer(LIMITS.threshold.min, LIMITS.threshold.max), steps: integer(LIMITS.steps.min, LIMITS.steps.max) },
  recurring: {
    minEarlier: integer(LIMITS.minEarlier.min, LIMITS.minEarlier.max),
    radiusMeters: positive(LIMITS.radiusMeters.max),
    windowDays: integer(LIMITS.windowDays.min, LIMITS.windowDays.max),
    steps: integer(LIMITS.steps.min, LIMITS.steps.max),
  },
  'emergency-floor': { area, floor: level },
};

import { cleanText, isLevel, LEVELS, type Level } from '@chuishao/contracts';
import type { Sla, TriageOverriddenData, WhistleTriagedData } from '@chuishao/triage-contracts';

/** What triage knows of one whistle: its own stream (`whistle-<id>`) plus whether intake closed it. */
export interface TriagedWhistle {
  whistleId: string;
  /** Null until WhistleTriaged. */
  level: Level | null;
  policyVersion: number | null;
  /** RESOLVED (the street confirmed) and WITHDRAWN are final: no more overrides. */
  closed: 'RESOLVED' | 'WITHDRAWN' | null;
}

export type TriageStreamEvent =
  | { type: 'WhistleTriaged'; data: WhistleTriagedData }
  | { type: 'TriageOverridden'; data: TriageOverriddenData };

export const untriaged = (whistleId: string): TriagedWhistle => ({ whistleId, level: null, policyVersion: null, closed: null });

export function evolveTriaged(state: TriagedWhistle, event: TriageStreamEvent): TriagedWhistle {
  switch (event.type) {
    case 'WhistleTriaged':
      return { ...state, level: event.data.level, policyVersion: event.data.policyVersion };
    case 'TriageOverridden':
      return { ...state, level: event.data.to };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

export interface OverrideTriage {
  level: Level;
  reason: string;
}

/** Why an override is refused; `kind` maps to the HTTP status (invalid 422, not-found 404, conflict 409). */
export class OverrideRefused extends Error {
  override readonly name = 'OverrideRefused';
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

const MIN_REASON_LENGTH = 2;
export const MAX_REASON_LENGTH = 1000;

/**
 * decide for POST /whistles/{id}/triage-override: the command center sets another level with a
 * written reason. Refused: a reason shorter than 2 characters (after trimming) or an unknown level
 * (invalid); a whistle triage has not triaged (not-found); a closed whistle, or the level it
 * already has (conflict: nothing would change). `sla` is the SLA table of the whistle's policy
 * version: the override keeps the policy and takes the new level's row.
 */
export function decideOverride(state: TriagedWhistle, command: OverrideTriage, sla: Sla): TriageOverriddenData {
  const reason = typeof command.reason === 'string' ? cleanText(command.reason) : ''; // contract §10: trimmed and NFC first
  if (reason.length < MIN_REASON_LENGTH) {
    throw new OverrideRefused('invalid', 'reason', `改判须说明理由（至少 ${MIN_REASON_LENGTH} 个字）/ a reason of at least ${MIN_REASON_LENGTH} characters is required`);
  }
  if (reason.length > MAX_REASON_LENGTH) {
    throw new OverrideRefused('invalid', 'reason', `理由不能超过 ${MAX_REASON_LENGTH} 个字 / the reason must be at most ${MAX_REASON_LENGTH} characters`);
  }
  if (!isLevel(command.level)) {
    throw new OverrideRefused('invalid', 'level', `级别必须是 ${LEVELS.join('、')} 之一 / level must be one of ${LEVELS.join(', ')}`);
  }
  if (state.level === null || state.policyVersion === null) {
    throw new OverrideRefused('not-found', null, `分级中没有该哨件 / triage has no whistle ${state.whistleId}`);
  }
  if (state.closed) {
    throw new OverrideRefused('conflict', null, `哨件已${state.closed === 'RESOLVED' ? '办结确认' : '撤回'}，不能改判 / a ${state.closed} whistle cannot be re-graded`);
  }
  if (state.level === command.level) {
    throw new OverrideRefused('conflict', 'level', `哨件已是 ${command.level} 级 / the whistle is already ${command.level}`);
  }
  return {
    whistleId: state.whistleId,
    from: state.level,
    to: command.level,
    reason,
    policyVersion: state.policyVersion,
    sla: sla[command.level],
  };
}

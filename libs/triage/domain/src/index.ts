export { policyInForceAt, type Level, type LevelSla, type Sla, type TriageRules, type TriagePolicy, DEFAULT_TRIAGE_POLICY, deadlinesFrom, durationMs, type PolicyVersion, BUILT_IN_POLICY } from './policy';
export { validatePolicy } from './policy.validation';
export { isRecurringNeighbour, recurringCount, type WhistleSite, EARTH_RADIUS_M, DAY_MS } from './recurring';
export { triage } from './triage';
export { evolveTriaged, decideOverride, type TriagedWhistle, type TriageStreamEvent, untriaged, OverrideRefused, MAX_REASON_LENGTH } from './override.decider';
export { SiteIndex } from './site-index';

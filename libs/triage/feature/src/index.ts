export * from './triage-feature.module';
export * from './policy/policy.repository';
export { RECURRING_COUNT_SQL } from './triage-whistle/triage-when-whistle-blown.handler';

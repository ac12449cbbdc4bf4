export * from './triage-feature.module';
export * from './policy/policy.repository';
export { RECURRING_COUNT_SQL, SITES_AND_COUNTS_SQL } from './triage-whistle/recurring-count.sql';

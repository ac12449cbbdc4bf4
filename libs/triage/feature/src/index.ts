export * from './triage-feature.module';
export * from './policy/policy.repository';

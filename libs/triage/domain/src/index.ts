export * from './policy';
export * from './triage';

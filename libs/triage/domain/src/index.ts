export * from './policy';
export * from './policy.validation';
export * from './recurring';
export * from './triage';
export * from './override.decider';
export * from './site-index';

export * from './period';
export * from './decimal';
export * from './scoring-policy';
export * from './facts';
export * from './projector';
export * from './scorecard';
export * from './analytics';
export * from './policy-versions';

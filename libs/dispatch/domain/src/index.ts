export * from './routing';
export * from './duration';
export * from './dispatch.decider';
export * from './extensions';
export * from './extension-cap';

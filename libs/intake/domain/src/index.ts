export * from './whistle-view';
export * from './whistle.decider';
export * from './address';
export * from './open311-key';

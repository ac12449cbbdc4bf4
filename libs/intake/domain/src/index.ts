export * from './whistle-view';
export * from './whistle-view-model';
export * from './whistle.decider';
export * from './address';
export * from './public-whistle';
export * from './open311-key';
export * from './deadlines';

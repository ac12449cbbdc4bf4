export * from './envelope';
export * from './topics';
export * from './outbox';
export * from './inbox';
export * from './rejected';
export * from './kafka';
export * from './kafka-event.server';
export * from './messaging.module';

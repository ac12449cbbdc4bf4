export * from './canonical-json';
export * from './hash-chain';
export * from './types';
export * from './event-store';
export * from './database';
export * from './sql';
export * from './database.module';
export * from './group-commit';

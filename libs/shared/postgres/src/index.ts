export * from './prepared-client';
export * from './database';
export * from './group-commit';
export * from './row-source';
export * from './companions';

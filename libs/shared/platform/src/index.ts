export * from './config';
export * from './logger';
export * from './problem';
export * from './validation';
export * from './public';
export * from './metrics';
export * from './health';
export * from './bootstrap';

export * from './principal';
export * from './jwt';
export * from './auth.guard';
export * from './scope';

export * from './support';
export * from './service';

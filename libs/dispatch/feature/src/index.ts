export * from './dispatch-feature.module';

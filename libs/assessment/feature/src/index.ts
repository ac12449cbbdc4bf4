export * from './assessment-feature.module';

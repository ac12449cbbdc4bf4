export * from './intake-feature.module';
export * from './whistles/whistle.repository';
export * from './whistles/blow-whistle.handler';
export * from './projection/whistle-events.kafka.controller';

export * from './intake-feature.module';
export * from './whistles/whistle.repository';
export * from './whistles/blow-whistle.handler';
export * from './projection/whistle-events.kafka.controller';
export * from './open311-keys/open311-key-verifier';
export * from './open311-keys/open311-key-material';

export * from './assessment-feature.module';
export * from './projection/assessment-projection';
export * from './projection/own-events.projection';
export * from './projection/whistle-events.kafka.controller';
export * from './scorecards/scorecard.reader';
export * from './policy/scoring-policy.repository';
export * from './rebuild/rebuild-projections';

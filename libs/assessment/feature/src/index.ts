export { AssessmentFeatureModule } from './assessment-feature.module';
export { AssessmentConfig } from './scorecards/scorecard-cache.config';
export { currentScoringPolicy } from './policy/scoring-policy.repository';
export { createShadowTables, replayLog, replayOwnEvents, periodsToCompare, compareTables, compareScorecards, replaceLive, type RebuildOptions } from './rebuild/rebuild-projections';
// what scripts/bench/assessment.js measures (and apps/assessment/test compares the cache with)
export { buildScorecard, readTallies } from './scorecards/scorecard.reader';
export { ScorecardRenderer } from './scorecards/scorecard.renderer';
export { readWatermark } from './scorecards/scorecard-watermark';
export { scorecardJson } from './scorecards/scorecard-json';
export { buildAnnual } from './annual/annual.reader';
// used by apps/assessment/test only: an own event projected by hand, an appeal filed with a given clock
export { projectOwnEvents } from './projection/own-events.projection';
export { FileAppealHandler } from './appeals/file-appeal.handler';

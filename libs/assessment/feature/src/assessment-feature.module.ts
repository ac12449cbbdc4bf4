import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AssessmentWhistleEventsKafkaController } from './projection/whistle-events.kafka.controller';
import { StreetRatingsHttpController } from './ratings/street-ratings.http.controller';
import { RateDepartmentHandler } from './ratings/rate-department.handler';
import { StreetRatingsRepository } from './ratings/street-ratings.repository';
import { PeriodsHttpController } from './periods/periods.http.controller';
import { ClosePeriodHandler } from './periods/close-period.handler';
import { ScorecardsHttpController } from './scorecards/scorecards.http.controller';
import { ScoringPolicyHttpController } from './policy/scoring-policy.http.controller';
import { PublishScoringPolicyHandler } from './policy/publish-scoring-policy.handler';
import { AnalyticsHttpController } from './analytics/analytics.http.controller';
import { AnnualHttpController } from './annual/annual.http.controller';
import { AppealsHttpController } from './appeals/appeals.http.controller';
import { FileAppealHandler } from './appeals/file-appeal.handler';
import { DecideAppealHandler } from './appeals/decide-appeal.handler';
import { ScorecardRenderer } from './scorecards/scorecard.renderer';
import { scorecardCacheBytes } from './scorecards/scorecard-cache.config';
import { districtTimeZone } from './projection/district-time-zone';
import { WarmClosedScorecards } from './scorecards/warm-closed-scorecards';
import { PublicDepartmentsHttpController } from './public/public-departments.http.controller';

@Module({
  controllers: [
    AssessmentWhistleEventsKafkaController,
    StreetRatingsHttpController,
    PeriodsHttpController,
    ScorecardsHttpController,
    ScoringPolicyHttpController,
    AnalyticsHttpController,
    AnnualHttpController,
    AppealsHttpController,
    PublicDepartmentsHttpController,
  ],
  providers: [
    RateDepartmentHandler,
    StreetRatingsRepository,
    ClosePeriodHandler,
    PublishScoringPolicyHandler,
    FileAppealHandler,
    DecideAppealHandler,
    {
      provide: ScorecardRenderer,
      useFactory: (dataSource: DataSource) => new ScorecardRenderer(dataSource, { maxBytes: scorecardCacheBytes(), tz: districtTimeZone() }),
      inject: [DataSource],
    },
    WarmClosedScorecards,
  ],
})
export class AssessmentFeatureModule {}

import { TOPICS } from '@chuishao/contracts';
import { PROJECTION_FETCH } from '@chuishao/messaging';
import { AssessmentFeatureModule } from '@chuishao/assessment-feature';
import type { ServiceKitOptions } from '@chuishao/service-kit';
import { AssessmentFacts1732500000400 } from '../migrations/1732500000400-assessment-facts';
import { AssessmentProjection1732500000401 } from '../migrations/1732500000401-assessment-projection';
import { LostPointClosings1732500000402 } from '../migrations/1732500000402-lost-point-closings';
import { ReplayByWhistle1732500000403 } from '../migrations/1732500000403-replay-by-whistle';
import { ScorecardWatermark1732500000404 } from '../migrations/1732500000404-scorecard-watermark';
import { AppealsAndScorecardVersions1732500000405 } from '../migrations/1732500000405-appeals-and-scorecard-versions';

export const assessmentService: Omit<ServiceKitOptions, 'config'> = {
  service: 'assessment',
  migrations: [AssessmentFacts1732500000400, AssessmentProjection1732500000401, LostPointClosings1732500000402, ReplayByWhistle1732500000403, ScorecardWatermark1732500000404, AppealsAndScorecardVersions1732500000405],
  topics: (partitions) => [
    { name: TOPICS.whistleEvents, partitions, retention: 'forever' },
    { name: TOPICS.assessmentEvents, partitions: 1, retention: 'forever' },
  ],
  feature: AssessmentFeatureModule,
  // the scorecards' facts: nobody waits for them whistle by whistle
  fetch: PROJECTION_FETCH,
};

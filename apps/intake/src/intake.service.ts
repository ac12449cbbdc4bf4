import { TOPICS } from '@chuishao/contracts';
import { PROJECTION_FETCH, rejectedTopicFor } from '@chuishao/messaging';
import { IntakeFeatureModule } from '@chuishao/intake-feature';
import type { ServiceKitOptions } from '@chuishao/service-kit';
import { IntakeReadModels1732500000100 } from '../migrations/1732500000100-intake-read-models';
import { IntakeFeedbackAndPolicy1732500000200 } from '../migrations/1732500000200-intake-feedback-and-policy';
import { BoardIndexes1732500000201 } from '../migrations/1732500000201-board-indexes';
import { WhistleStuck1732500000202 } from '../migrations/1732500000202-whistle-stuck';
import { Open311Keys1732500000300 } from '../migrations/1732500000300-open311-keys';

const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

/** Everything that makes the intake service, shared by main.ts and the integration tests. */
export const intakeService: Omit<ServiceKitOptions, 'config'> = {
  service: 'intake',
  migrations: [IntakeReadModels1732500000100, IntakeFeedbackAndPolicy1732500000200, BoardIndexes1732500000201, WhistleStuck1732500000202, Open311Keys1732500000300],
  topics: (partitions) => [
    { name: TOPICS.whistleEvents, partitions, retention: 'forever' },
    { name: rejectedTopicFor(TOPICS.whistleEvents), partitions: 1, retention: THIRTY_DAYS },
    // consumed for the catalog's SLA (triage publishes; declared here too so intake can start first)
    { name: TOPICS.policyEvents, partitions: 1, retention: 'forever' },
    { name: rejectedTopicFor(TOPICS.policyEvents), partitions: 1, retention: THIRTY_DAYS },
  ],
  feature: IntakeFeatureModule,
  // its consumer keeps the read model and the ledger: a whistle's status may follow 100 ms behind
  fetch: PROJECTION_FETCH,
};

import { departmentTopics, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { DEPARTMENT_REPLIES_PATTERN, DispatchFeatureModule, REPLIES_CONSUMER_PURPOSE } from '@chuishao/dispatch-feature';
import type { ServiceKitOptions } from '@chuishao/service-kit';
import { DispatchTables1732500000300 } from '../migrations/1732500000300-dispatch-tables';
import { DispatchLifecycle1732500000301 } from '../migrations/1732500000301-dispatch-lifecycle';
import { DispatchReplyIds1732500000302 } from '../migrations/1732500000302-dispatch-reply-ids';
import { DeadlineIndexes1732500000303 } from '../migrations/1732500000303-deadline-indexes';
import { PausedDeadlines1732500000304 } from '../migrations/1732500000304-paused-deadlines';
import { ExtensionRequests1732500000305 } from '../migrations/1732500000305-extension-requests';
import { ScoringPolicyCaps1732500000306 } from '../migrations/1732500000306-scoring-policy-caps';

const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

export const dispatchService: Omit<ServiceKitOptions, 'config'> = {
  service: 'dispatch',
  migrations: [DispatchTables1732500000300, DispatchLifecycle1732500000301, DispatchReplyIds1732500000302, DeadlineIndexes1732500000303, PausedDeadlines1732500000304, ExtensionRequests1732500000305, ScoringPolicyCaps1732500000306],
  topics: (partitions) => [
    { name: TOPICS.whistleEvents, partitions, retention: 'forever' },
    // consumed for the scoring policy's extension cap (assessment publishes; declared here too, as
    // assessment does, so dispatch can start first). A message dispatch cannot use is parked (ADR 0020).
    { name: TOPICS.assessmentEvents, partitions: 1, retention: 'forever' },
    ...defaultCatalog().departments.flatMap((d) => {
      const t = departmentTopics(d.id);
      return [
        { name: t.assignments, partitions: 3, retention: 'forever' as const },
        { name: t.replies, partitions: 3, retention: 'forever' as const },
        { name: t.rejected, partitions: 1, retention: THIRTY_DAYS },
      ];
    }),
  ],
  feature: DispatchFeatureModule,
  // The replies (21 departments × 3 partitions) in a consumer group of their own: a fetch names
  // every partition of its consumer, and the whistle topic's consumer is on the critical path (ADR 0016).
  // `events` also reads chuishao.assessment.events (ScoringPolicyPublished, one partition, a few
  // messages a year): one partition more in its fetches, no group of its own.
  consumers: [
    { purpose: 'events', only: (pattern) => pattern !== DEPARTMENT_REPLIES_PATTERN },
    { purpose: REPLIES_CONSUMER_PURPOSE, only: (pattern) => pattern === DEPARTMENT_REPLIES_PATTERN },
  ],
};

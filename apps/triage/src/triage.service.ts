import { TOPICS } from '@chuishao/contracts';
import { TriageFeatureModule } from '@chuishao/triage-feature';
import type { ServiceKitOptions } from '@chuishao/service-kit';
import { TriageSites1732500000200 } from '../migrations/1732500000200-triage-sites';
import { TriageClosures1732500000201 } from '../migrations/1732500000201-triage-closures';
import { TriageSitesNeighbourIndexes1732500000202 } from '../migrations/1732500000202-triage-sites-neighbour-indexes';
import { TriageSitesArmIndexes1732500000203 } from '../migrations/1732500000203-triage-sites-arm-indexes';

export const triageService: Omit<ServiceKitOptions, 'config'> = {
  service: 'triage',
  migrations: [TriageSites1732500000200, TriageClosures1732500000201, TriageSitesNeighbourIndexes1732500000202, TriageSitesArmIndexes1732500000203],
  topics: (partitions) => [
    { name: TOPICS.whistleEvents, partitions, retention: 'forever' },
    { name: TOPICS.policyEvents, partitions: 1, retention: 'forever' },
  ],
  feature: TriageFeatureModule,
};

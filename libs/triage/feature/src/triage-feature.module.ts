import { Module } from '@nestjs/common';
import { PolicyRepository } from './policy/policy.repository';
import { PublishTriagePolicyHandler } from './policy/publish-triage-policy.handler';
import { TriagePoliciesHttpController } from './policy/triage-policies.http.controller';
import { OverrideTriageHandler } from './override/override-triage.handler';
import { RecordClosureWhenWhistleClosedHandler } from './override/record-closure-when-whistle-closed.handler';
import { WhistleClosures } from './override/whistle-closures.repository';
import { TriageOverrideHttpController } from './override/triage-override.http.controller';
import { RecurringSites } from './triage-whistle/recurring-sites';
import { TriageWhenWhistleBlownHandler } from './triage-whistle/triage-when-whistle-blown.handler';
import { TriageWhistleEventsKafkaController } from './triage-whistle/whistle-events.kafka.controller';

@Module({
  controllers: [TriageWhistleEventsKafkaController, TriagePoliciesHttpController, TriageOverrideHttpController],
  providers: [PolicyRepository, RecurringSites, PublishTriagePolicyHandler, TriageWhenWhistleBlownHandler, OverrideTriageHandler, RecordClosureWhenWhistleClosedHandler, WhistleClosures],
})
export class TriageFeatureModule {}

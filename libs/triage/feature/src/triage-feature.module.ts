import { Module } from '@nestjs/common';
import { PolicyRepository } from './policy/policy.repository';
import { TriageWhenWhistleBlownHandler } from './triage-whistle/triage-when-whistle-blown.handler';
import { TriageWhistleEventsKafkaController } from './triage-whistle/whistle-events.kafka.controller';

@Module({
  controllers: [TriageWhistleEventsKafkaController],
  providers: [PolicyRepository, TriageWhenWhistleBlownHandler],
})
export class TriageFeatureModule {}

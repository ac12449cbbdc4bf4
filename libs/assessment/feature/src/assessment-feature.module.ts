import { Module } from '@nestjs/common';
import { AssessmentWhistleEventsKafkaController } from './projection/whistle-events.kafka.controller';

@Module({ controllers: [AssessmentWhistleEventsKafkaController] })
export class AssessmentFeatureModule {}

import { Module } from '@nestjs/common';
import { WhistlesHttpController } from './whistles/whistles.http.controller';
import { BlowWhistleHandler } from './whistles/blow-whistle.handler';
import { WhistleRepository } from './whistles/whistle.repository';
import { WhistleEventsKafkaController } from './projection/whistle-events.kafka.controller';

@Module({
  controllers: [WhistlesHttpController, WhistleEventsKafkaController],
  providers: [BlowWhistleHandler, WhistleRepository],
  exports: [BlowWhistleHandler, WhistleRepository],
})
export class IntakeFeatureModule {}

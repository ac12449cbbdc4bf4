import { Module } from '@nestjs/common';
import { SummonWhenWhistleTriagedHandler, WhistleBriefs } from './summon/summon-when-whistle-triaged.handler';
import { DispatchWhistleEventsKafkaController } from './summon/whistle-events.kafka.controller';

@Module({
  controllers: [DispatchWhistleEventsKafkaController],
  providers: [WhistleBriefs, SummonWhenWhistleTriagedHandler],
})
export class DispatchFeatureModule {}

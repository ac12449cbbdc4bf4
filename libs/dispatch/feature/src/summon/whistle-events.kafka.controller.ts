import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { envelopeProblem, processOnce, RejectMessage, type Envelope } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { SummonWhenWhistleTriagedHandler, WhistleBriefs } from './summon-when-whistle-triaged.handler';

@Controller()
export class DispatchWhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly briefs: WhistleBriefs,
    private readonly summon: SummonWhenWhistleTriagedHandler,
  ) {}

  @EventPattern(TOPICS.whistleEvents)
  async onWhistleEvent(@Payload() payload: unknown): Promise<void> {
    const problem = envelopeProblem(payload);
    if (problem) throw new RejectMessage(problem);
    const env = payload as Envelope;
    switch (env.type) {
      case 'WhistleBlown':
        await processOnce(this.dataSource, 'dispatch-whistle-events', env.eventId, (em) => this.briefs.remember(em, env.data as WhistleBlownData));
        return;
      case 'WhistleTriaged':
        await processOnce(this.dataSource, 'dispatch-whistle-events', env.eventId, (em) =>
          this.summon.handle(em, env as Envelope<'WhistleTriaged', WhistleTriagedData>),
        );
        return;
      default:
        return;
    }
  }
}

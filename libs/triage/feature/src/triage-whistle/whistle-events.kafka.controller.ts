import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { envelopeProblem, processOnce, RejectMessage, type Envelope } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { TriageWhenWhistleBlownHandler } from './triage-when-whistle-blown.handler';

@Controller()
export class TriageWhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly triageBlown: TriageWhenWhistleBlownHandler,
  ) {}

  @EventPattern(TOPICS.whistleEvents)
  async onWhistleEvent(@Payload() payload: unknown): Promise<void> {
    const problem = envelopeProblem(payload);
    if (problem) throw new RejectMessage(problem);
    const env = payload as Envelope;
    if (env.type !== 'WhistleBlown') return;
    await processOnce(this.dataSource, 'triage-whistle-events', env.eventId, (em) =>
      this.triageBlown.handle(em, env as Envelope<'WhistleBlown', WhistleBlownData>),
    );
  }
}

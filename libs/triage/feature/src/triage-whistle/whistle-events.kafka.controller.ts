import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { envelopeOrReject, PARK_PERMANENT_FAILURES, KafkaEventContext, processOnce, processOnceInOneStatement, type Envelope } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { TriageWhenWhistleBlownHandler } from './triage-when-whistle-blown.handler';
import { RecordClosureWhenWhistleClosedHandler, type ClosingEnvelope } from '../override/record-closure-when-whistle-closed.handler';

const TRIAGE_CONSUMER = 'triage-whistle-events';

/** Triage's consumer of the whistle topic: WhistleBlown → triage; WhistleConfirmed/WhistleWithdrawn → closure. Other types are ignored. */
@Controller()
export class TriageWhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly triageBlown: TriageWhenWhistleBlownHandler,
    private readonly recordClosure: RecordClosureWhenWhistleClosedHandler,
  ) {}

  @EventPattern(TOPICS.whistleEvents, PARK_PERMANENT_FAILURES)
  async onWhistleEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const env = envelopeOrReject(payload);
    switch (env.type) {
      case 'WhistleBlown': {
        // checked now (a bad one is rejected alone); triaged with the rest of the batch at its end
        const whistle = this.triageBlown.check(env as Envelope<'WhistleBlown', WhistleBlownData>, ctx.membership);
        await processOnceInOneStatement(this.dataSource, TRIAGE_CONSUMER, env.eventId, whistle, (em, all, inbox, inTransaction) => this.triageBlown.triageAll(em, all, inbox, inTransaction), ctx);
        return;
      }
      case 'WhistleConfirmed':
      case 'WhistleWithdrawn':
        await processOnce(this.dataSource, TRIAGE_CONSUMER, env.eventId, (em) => this.recordClosure.handle(em, env as ClosingEnvelope), ctx);
        return;
      default:
        return;
    }
  }
}

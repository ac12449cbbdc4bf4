import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource, type EntityManager } from 'typeorm';
import { envelopeProblem, KafkaEventContext, processOnce, processOnceAtBatchEnd, RejectMessage, type Envelope } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { WhistleBlownData, WhistleConfirmedData, WhistleReopenedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';
import type { TriageOverriddenData, WhistleTriagedData } from '@chuishao/triage-contracts';
import { SummonWhenWhistleTriagedHandler, type TriagedWhistle } from './summon-when-whistle-triaged.handler';
import { WhistleBriefs } from '../whistle/whistle-briefs';
import { ReactToWhistleFactsHandler } from '../whistle-facts/react-to-whistle-facts.handler';

export const DISPATCH_WHISTLE_EVENTS_CONSUMER = 'dispatch-whistle-events';

/** The whistle events dispatch acts on; every one at most once (inbox), in the whistle's order. */
@Controller()
export class DispatchWhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly briefs: WhistleBriefs,
    private readonly summon: SummonWhenWhistleTriagedHandler,
    private readonly facts: ReactToWhistleFactsHandler,
  ) {}

  @EventPattern(TOPICS.whistleEvents)
  async onWhistleEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const problem = envelopeProblem(payload);
    if (problem) throw new RejectMessage(problem);
    const env = payload as Envelope;
    const once = (fn: (em: EntityManager) => Promise<void>) => processOnce(this.dataSource, DISPATCH_WHISTLE_EVENTS_CONSUMER, env.eventId, fn, ctx);
    switch (env.type) {
      // blown and triaged whistles are written together at the batch end, in their order (ADR 0010);
      // any other message first has them written (processOnce), so effects keep the topic's order
      case 'WhistleBlown':
        await this.atBatchEnd(env.eventId, { blown: env.data as WhistleBlownData }, ctx);
        return;
      case 'WhistleTriaged':
        await this.atBatchEnd(env.eventId, { triaged: this.summon.check(env as Envelope<'WhistleTriaged', WhistleTriagedData>) }, ctx);
        return;
      case 'WhistleWithdrawn':
        await once((em) => this.facts.withdrawn(em, env as Envelope<'WhistleWithdrawn', WhistleWithdrawnData>));
        return;
      case 'WhistleReopened':
        await once((em) => this.facts.reopened(em, env as Envelope<'WhistleReopened', WhistleReopenedData>));
        return;
      case 'WhistleConfirmed':
        await once((em) => this.facts.confirmed(em, env as Envelope<'WhistleConfirmed', WhistleConfirmedData>));
        return;
      case 'TriageOverridden':
        await once((em) => this.facts.overridden(em, env as Envelope<'TriageOverridden', TriageOverriddenData>));
        return;
      default:
        return;
    }
  }

  private atBatchEnd(eventId: string, item: SetAside, ctx: KafkaEventContext): Promise<void> {
    return processOnceAtBatchEnd(this.dataSource, DISPATCH_WHISTLE_EVENTS_CONSUMER, eventId, item, (em, items) => this.briefsAndSummonses(em, items), ctx);
  }

  /** The briefs first (a whistle's WhistleBlown comes before its WhistleTriaged), then the summonses. */
  private async briefsAndSummonses(em: EntityManager, items: ReadonlyArray<SetAside>): Promise<void> {
    await this.briefs.remember(em, items.flatMap((i) => (i.blown ? [i.blown] : [])));
    const triaged = items.flatMap((i) => (i.triaged ? [i.triaged] : []));
    if (triaged.length) await this.summon.summonAll(em, triaged);
  }
}

type SetAside = { blown: WhistleBlownData; triaged?: undefined } | { triaged: TriagedWhistle; blown?: undefined };

import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource, type EntityManager } from 'typeorm';
import { envelopeProblem, KafkaEventContext, processOnce, processOnceInOneStatement, RejectMessage, type Envelope, type InboxGate } from '@chuishao/messaging';
import { runTogether } from '@chuishao/event-store';
import { TOPICS, whistleStreamId } from '@chuishao/contracts';
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
    return processOnceInOneStatement(this.dataSource, DISPATCH_WHISTLE_EVENTS_CONSUMER, eventId, item, (em, items, inbox, inTx) => this.briefsAndSummonses(em, items, inbox, inTx), ctx);
  }

  /**
   * With no transaction (ADR 0010): the briefs (idempotent) with the load of the summoned whistles
   * in one statement, then the summonses gated by the inbox rows of every message of the batch in
   * another — or, with no whistle to summon, the briefs and the inbox rows in one.
   */
  private async briefsAndSummonses(em: EntityManager, items: ReadonlyArray<{ messageId: string; item: SetAside }>, inbox: InboxGate, inTransaction: boolean): Promise<void> {
    const blown = items.flatMap((i) => (i.item.blown ? [i.item.blown] : []));
    const triaged = items.flatMap((i) => (i.item.triaged ? [{ messageId: i.messageId, whistle: i.item.triaged }] : []));
    const streamOf = new Map(triaged.map((t) => [t.messageId, whistleStreamId(t.whistle.env.data.whistleId)]));
    const gate = inbox((messageId) => streamOf.get(messageId) ?? '');
    if (triaged.length === 0) {
      await runTogether(em, [gate, this.briefs.remember(blown)]);
      return;
    }
    await this.summon.summonAll(em, triaged, { consumer: DISPATCH_WHISTLE_EVENTS_CONSUMER, briefs: blown, gate, inTransaction });
  }
}

type SetAside = { blown: WhistleBlownData; triaged?: undefined } | { triaged: TriagedWhistle; blown?: undefined };

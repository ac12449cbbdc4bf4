import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource, type EntityManager } from 'typeorm';
import { envelopeOrReject, PARK_PERMANENT_FAILURES, KafkaEventContext, processOnce, processOnceInOneStatement, type Envelope, type InboxGate, type Membership } from '@chuishao/messaging';
import { runTogether } from '@chuishao/postgres';
import { TOPICS, whistleStreamId } from '@chuishao/contracts';
import type { WhistleBlownData, WhistleConfirmedData, WhistleReopenedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';
import type { TriageOverriddenData, WhistleTriagedData } from '@chuishao/triage-contracts';
import { SummonWhenWhistleTriagedHandler, type TriagedWhistle } from './summon-when-whistle-triaged.handler';
import { briefOf, WhistleBriefs } from '../whistle/whistle-briefs';
import { RecentBriefs } from '../whistle/recent-briefs';
import { ReactToWhistleFactsHandler } from '../whistle-facts/react-to-whistle-facts.handler';

const DISPATCH_WHISTLE_EVENTS_CONSUMER = 'dispatch-whistle-events';

/** The whistle events dispatch acts on; every one at most once (inbox), in the whistle's order. */
@Controller()
export class DispatchWhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly briefs: WhistleBriefs,
    private readonly summon: SummonWhenWhistleTriagedHandler,
    private readonly facts: ReactToWhistleFactsHandler,
    private readonly recent: RecentBriefs,
  ) {}

  @EventPattern(TOPICS.whistleEvents, PARK_PERMANENT_FAILURES)
  async onWhistleEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const env = envelopeOrReject(payload);
    const once = (fn: (em: EntityManager) => Promise<void>) => processOnce(this.dataSource, DISPATCH_WHISTLE_EVENTS_CONSUMER, env.eventId, fn, ctx);
    // a fact that may change the whistle's brief: the brief held in memory goes first (ADR 0018),
    // whether or not this delivery is applied (a redelivery may follow another member's apply)
    if (env.type !== 'WhistleBlown' && env.type !== 'WhistleTriaged') {
      const whistleId = env.whistleId ?? (env.data as { whistleId?: unknown } | null)?.whistleId;
      if (typeof whistleId === 'string') this.recent.forget(whistleId);
    }
    switch (env.type) {
      // blown and triaged whistles are written together at the batch end, in their order (ADR 0010);
      // any other message first has them written (processOnce), so effects keep the topic's order
      case 'WhistleBlown':
        await this.atBatchEnd(env.eventId, { blown: env.data as WhistleBlownData, membership: ctx.membership }, ctx);
        return;
      case 'WhistleTriaged':
        await this.atBatchEnd(env.eventId, { triaged: this.summon.check(env as Envelope<'WhistleTriaged', WhistleTriagedData>), membership: ctx.membership }, ctx);
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
   * another — or, with no whistle to summon, the briefs and the inbox rows in one. The briefs
   * written are held in memory for the consumer's generation (ADR 0018): a later batch whose
   * whistles' briefs are all held summons them with no load statement.
   */
  private async briefsAndSummonses(em: EntityManager, items: ReadonlyArray<{ messageId: string; item: SetAside }>, inbox: InboxGate, inTransaction: boolean): Promise<void> {
    const blown = items.flatMap((i) => (i.item.blown ? [i.item.blown] : []));
    const triaged = items.flatMap((i) => (i.item.triaged ? [{ messageId: i.messageId, whistle: i.item.triaged }] : []));
    const streamOf = new Map(triaged.map((t) => [t.messageId, whistleStreamId(t.whistle.env.data.whistleId)]));
    const gate = inbox((messageId) => streamOf.get(messageId) ?? '');
    // the batch's messages came under one membership unless a rebalance began during it: then none is held
    const membership = items.every((i) => i.item.membership === items[0].item.membership) ? items[0].item.membership : undefined;
    if (triaged.length === 0) {
      await runTogether(em, [gate, this.briefs.remember(blown)]);
    } else {
      await this.summon.summonAll(em, triaged, { consumer: DISPATCH_WHISTLE_EVENTS_CONSUMER, briefs: blown, gate, inTransaction, membership });
    }
    // held from now on: the briefs this statement wrote (committed, as it ran alone), of whistles not summoned yet
    if (membership && !inTransaction) {
      const summoned = new Set(triaged.map((t) => t.whistle.env.data.whistleId));
      this.recent.written(membership, blown.filter((d) => !summoned.has(d.whistleId)).map(briefOf));
    }
  }
}

type SetAside = ({ blown: WhistleBlownData; triaged?: undefined } | { triaged: TriagedWhistle; blown?: undefined }) & { membership: Membership };

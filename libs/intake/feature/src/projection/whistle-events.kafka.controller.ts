import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { chainHash, GENESIS_HASH } from '@chuishao/event-store';
import { envelopeProblem, processOnce, RejectMessage, type Envelope, KafkaEventContext } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import { evolveView } from '@chuishao/intake-domain';
import { WhistleRepository } from '../whistles/whistle.repository';

export const WHISTLE_VIEW_CONSUMER = 'intake-whistle-view';

/**
 * Projects every whistle event, from every service, into (1) the whistle's audit ledger — the
 * merged stream of contract §2, hash-chained in the topic's per-whistle (causal) order — and (2)
 * the read model. Both, and the inbox row, commit in one transaction.
 */
@Controller()
export class WhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly whistles: WhistleRepository,
  ) {}

  @EventPattern(TOPICS.whistleEvents)
  async onWhistleEvent(@Payload() payload: unknown, @Ctx() _ctx: KafkaEventContext): Promise<void> {
    const problem = envelopeProblem(payload);
    if (problem) throw new RejectMessage(problem);
    const env = payload as Envelope;
    if (!env.whistleId) throw new RejectMessage('whistle event without whistleId');
    const whistleId = env.whistleId;
    await processOnce(this.dataSource, WHISTLE_VIEW_CONSUMER, env.eventId, async (em) => {
      const head = await this.whistles.ledgerHead(em, whistleId);
      const position = (head?.position ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const actor = { role: env.actor.role, org: env.actor.org ?? null, sub: env.actor.sub };
      const hash = chainHash(prevHash, { eventId: env.eventId, type: env.type, position, occurredAt: env.occurredAt, actor, data: env.data });
      await this.whistles.appendLedger(em, {
        whistle_id: whistleId,
        position,
        event_id: env.eventId,
        type: env.type,
        occurred_at: new Date(env.occurredAt),
        actor,
        data: env.data,
        source: env.source,
        prev_hash: prevHash,
        hash,
      });
      const view = await this.whistles.find(em, whistleId, true);
      const next = evolveView(view, { eventId: env.eventId, type: env.type, occurredAt: env.occurredAt, actor, data: env.data });
      if (next) await this.whistles.save(em, next);
    });
  }
}

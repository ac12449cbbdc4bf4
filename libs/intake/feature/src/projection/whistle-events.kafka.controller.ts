import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource, type EntityManager } from 'typeorm';
import { chainHash, GENESIS_HASH } from '@chuishao/event-store';
import { runTogether } from '@chuishao/postgres';
import { envelopeOrReject, PARK_PERMANENT_FAILURES, processOnceAtBatchEnd, RejectMessage, type Envelope, KafkaEventContext } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import { evolveView, type WhistleView } from '@chuishao/intake-domain';
import { WhistleRepository, type LedgerRow } from '../whistles/whistle.repository';

const WHISTLE_VIEW_CONSUMER = 'intake-whistle-view';

/**
 * Projects every whistle event, from every service, into (1) the whistle's audit ledger — the
 * merged stream of contract §2, hash-chained in the topic's per-whistle (causal) order — and (2)
 * the read model. Both, and the inbox row, commit in one transaction (the consumer batch's).
 */
@Controller()
export class WhistleEventsKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly whistles: WhistleRepository,
  ) {}

  @EventPattern(TOPICS.whistleEvents, PARK_PERMANENT_FAILURES)
  async onWhistleEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const env = envelopeOrReject(payload);
    if (!env.whistleId) throw new RejectMessage('whistle event without whistleId');
    // Inside a consumer batch, the batch's events (and their inbox rows) are written together just before it commits.
    await processOnceAtBatchEnd(this.dataSource, WHISTLE_VIEW_CONSUMER, env.eventId, env, (db, envs) => this.project(db, envs), ctx);
  }

  /**
   * Projects events in their order: one read of the views (locked) and ledger heads of the
   * whistles concerned, the chain computed in memory, then the ledger rows and the views written
   * in one statement.
   */
  private async project(em: EntityManager, envs: ReadonlyArray<Envelope>): Promise<void> {
    const ids = [...new Set(envs.map((e) => e.whistleId as string))];
    const current = await this.whistles.viewsAndLedgerHeads(em, ids);
    const ledger: LedgerRow[] = [];
    const changed = new Map<string, WhistleView>();
    for (const env of envs) {
      const whistleId = env.whistleId as string;
      const c = current.get(whistleId) ?? {};
      const position = (c.head?.position ?? 0) + 1;
      const prevHash = c.head?.hash ?? GENESIS_HASH;
      const actor = { role: env.actor.role, org: env.actor.org ?? null, sub: env.actor.sub };
      const hash = chainHash(prevHash, { eventId: env.eventId, type: env.type, position, occurredAt: env.occurredAt, actor, data: env.data });
      ledger.push({
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
      const next = evolveView(c.view, { eventId: env.eventId, type: env.type, occurredAt: env.occurredAt, actor, data: env.data });
      if (next) changed.set(whistleId, next);
      current.set(whistleId, { view: next ?? c.view, head: { position, hash } });
    }
    // the ledger rows and the views in one statement
    await runTogether(em, [this.whistles.insertLedger(ledger), this.whistles.upsertViews([...changed.values()])]);
  }
}

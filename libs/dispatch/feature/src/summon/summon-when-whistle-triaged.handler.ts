import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inboxHas, RejectMessage, type Envelope, type Membership } from '@chuishao/messaging';
import { systemActor } from '@chuishao/contracts';
import { defaultCatalog, type Situation } from '@chuishao/catalog';
import type { EventMetadata } from '@chuishao/event-store';
import type { Companion } from '@chuishao/postgres';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { decide, isClosed, type DispatchStreamEvent } from '@chuishao/dispatch-domain';
import { DispatchStreams, newWhistle, type LoadedWhistle, type NewSummons } from '../whistle/dispatch-streams';
import { briefOf, WhistleBriefs } from '../whistle/whistle-briefs';
import { RecentBriefs, summonLoads } from '../whistle/recent-briefs';

/** A WhistleTriaged checked and ready to be summoned with the others of its batch. */
export interface TriagedWhistle {
  env: Envelope<'WhistleTriaged', WhistleTriagedData>;
  situation: Situation;
}

/**
 * WhistleTriaged → the decider's Summon (libs/dispatch/domain/src/summons.ts: who, with which
 * deadlines; nobody twice, nobody for a whistle withdrawn before it was triaged), then the
 * summons' deadlines scheduled durably and each department told on its own topic (type
 * SUMMONED) — all in one statement. A consumer batch's whistles are decided one by one and
 * summoned together at its end (ADR 0010): one statement reads them, one writes all their summonses.
 */
@Injectable()
export class SummonWhenWhistleTriagedHandler {
  private readonly log = new Logger('Summon');

  constructor(
    private readonly streams: DispatchStreams,
    private readonly briefs: WhistleBriefs,
    private readonly recent: RecentBriefs,
  ) {}

  /** Checks a WhistleTriaged: RejectMessage when it cannot be dispatched (before anything is set aside). */
  check(env: Envelope<'WhistleTriaged', WhistleTriagedData>): TriagedWhistle {
    const situation = defaultCatalog().situation(env.data.situationCode);
    if (!situation) throw new RejectMessage(`unknown situation ${env.data.situationCode}`);
    return { env, situation };
  }

  /**
   * Summons checked whistles (ADR 0010): one statement writes `along.briefs` (the batch's blown
   * whistles, idempotent) and reads the summoned whistles; one writes every summons, gated by the
   * batch's inbox rows (`along.gate`). A whistle whose dispatch stream exists already and whose
   * message is new takes the general path under the stream's lock, which needs a transaction:
   * without one, it throws and the server handles the batch's messages one by one, each in one.
   *
   * With no transaction, when every whistle's brief is held in memory for the consumer's
   * `membership` (ADR 0018) or comes in the batch, the first statement is not needed: the
   * summonses are written with the briefs in ONE statement, on the assumption that no whistle has
   * a stream yet — one that has makes it write nothing and throw, and the server handles the
   * batch's messages one by one as above.
   */
  async summonAll(
    em: EntityManager,
    whistles: ReadonlyArray<{ messageId: string; whistle: TriagedWhistle }>,
    along: { consumer: string; briefs: ReadonlyArray<WhistleBlownData>; gate: Companion; inTransaction: boolean; membership?: Membership },
  ): Promise<void> {
    const first = [...new Map(whistles.map((w) => [w.whistle.env.data.whistleId, w])).values()]; // a repeat would find it summoned
    const ids = first.map((w) => w.whistle.env.data.whistleId);
    const write = this.briefs.remember(along.briefs);
    const inBatch = new Map(along.briefs.map((d) => [d.whistleId, briefOf(d)]));
    // every brief held (ADR 0018): no load, the briefs written with the summonses
    const held = along.inTransaction || !along.membership ? undefined : this.recent.all(along.membership, ids, inBatch);
    summonLoads.inc({ source: held ? 'memory' : 'database' }, first.length);
    const loaded = held ? held.map((brief, i) => newWhistle(ids[i], brief)) : await this.streams.loadNew(em, ids, write ? { write, briefs: inBatch } : undefined);
    const summonses: NewSummons[] = [];
    for (const [i, { messageId, whistle: w }] of first.entries()) {
      const l = loaded[i];
      if (l === 'existing') {
        // rare: summoned already, or closed before it was triaged (its WhistleClosed made the stream)
        if (await inboxHas(em, along.consumer, messageId)) continue; // delivered again: done already
        const current = await this.streams.load(em, w.env.data.whistleId);
        const events = this.summons(current, w);
        // deciding nothing needs no lock (a summoned or closed whistle stays so); a summons does
        if (events.length === 0) continue;
        if (!along.inTransaction) throw new Error(`whistle ${w.env.data.whistleId} has a dispatch stream already: handled alone, in a transaction`);
        await this.streams.commit(em, current, events, this.metadata(w));
        continue;
      }
      const [event] = this.summons(l, w);
      if (event?.type === 'DepartmentsSummoned') summonses.push({ loaded: l, event, metadata: this.metadata(w) });
    }
    await this.streams.summonNew(em, summonses, along.gate, held && write ? [write] : []);
    for (const id of ids) this.recent.forget(id);
  }

  /** The decider's summons of a whistle in this state: DepartmentsSummoned, or nothing (summoned already, withdrawn). */
  private summons(loaded: LoadedWhistle, { env, situation }: TriagedWhistle): DispatchStreamEvent[] {
    const d = env.data;
    if (!loaded.brief) throw new Error(`no WhistleBlown seen yet for ${d.whistleId}`); // transient: retried
    const command = { type: 'Summon', whistleId: d.whistleId, level: d.level, sla: d.sla, requestedDepartments: d.requestedDepartments, situation, now: new Date().toISOString(), newId: randomUUID } as const;
    const events = decide(command, loaded.state);
    if (events.length === 0 && loaded.state.assignments.length === 0 && isClosed(loaded.state)) {
      this.log.log(`whistle ${d.whistleId} was withdrawn before dispatch; nobody summoned`);
    }
    return events;
  }

  private metadata({ env }: TriagedWhistle): EventMetadata {
    return { correlationId: env.correlationId, causationId: env.eventId, actor: systemActor('dispatch') };
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { appendAtHead, EventStore, type NewEvent, type StoredEvent } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS, type Actor } from '@chuishao/contracts';
import { canActOnWhistle, type Principal } from '@chuishao/auth';
import { counter, ProblemException } from '@chuishao/platform';
import {
  applyLocally,
  decide,
  FEEDBACK_TTL_MS,
  whistleState,
  type ViewEvent,
  type WhistleCommand,
  type WhistleView,
} from '@chuishao/intake-domain';
import type { IntakeEvent } from '@chuishao/intake-contracts';
import { asProblem } from '../domain-problem';
import { FeedbackTokens, hashToken } from '../feedback/feedback-tokens';
import { FeedbackTokenRepository } from '../feedback/feedback-token.repository';
import { WhistleRepository } from './whistle.repository';
import { metadataFor } from './metadata';

const actsTotal = counter('chuishao_intake_street_acts_total', 'Withdraw/confirm/reopen by outcome', ['act', 'outcome']);

export const toViewEvent = (e: StoredEvent, actor: Actor): ViewEvent => ({
  eventId: e.eventId,
  type: e.type,
  occurredAt: e.occurredAt.toISOString(),
  actor,
  data: e.data,
});

/**
 * Records what a whistle's own street decides — withdraw (撤回), confirm (确认办结) or reopen
 * (退回重办) — on intake's stream `whistle-<id>`:
 * 1. lock the read model row (commands on one whistle serialise; the projector waits);
 * 2. 404 unknown, 403 not this street's whistle;
 * 3. decide on the read model's status (what intake has projected from every service);
 * 4. append with the stream's expected version, outbox to TOPICS.whistleEvents, and fold the
 *    events into the read model — all in one transaction, so the street reads its own write and
 *    the projector's later evolve of the bus copies only counts them.
 */
@Injectable()
export class StreetActsOnWhistleHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly whistles: WhistleRepository,
    private readonly tokens: FeedbackTokens,
    private readonly feedbackTokens: FeedbackTokenRepository,
  ) {}

  withdraw(principal: Principal, whistleId: string, reason: string): Promise<WhistleView> {
    return this.act(principal, whistleId, () => ({ command: { type: 'WithdrawWhistle', whistleId, reason } }));
  }

  reopen(principal: Principal, whistleId: string, reason: string): Promise<WhistleView> {
    return this.act(principal, whistleId, () => ({ command: { type: 'ReopenWhistle', whistleId, reason } }));
  }

  /** Confirms the result and requests the resident's feedback with a one-time link (contract §5). */
  confirm(principal: Principal, whistleId: string): Promise<WhistleView> {
    const feedbackEventId = randomUUID();
    const tokenHash = hashToken(this.tokens.tokenFor(whistleId, feedbackEventId));
    const expiresAt = new Date(Date.now() + FEEDBACK_TTL_MS).toISOString();
    return this.act(
      principal,
      whistleId,
      () => ({ command: { type: 'ConfirmWhistle', whistleId, tokenHash, expiresAt }, eventIds: { FeedbackRequested: feedbackEventId } }),
      async (em, stored) => {
        const confirmed = stored.find((e) => e.type === 'WhistleConfirmed');
        await this.feedbackTokens.issue(em, { tokenHash, whistleId, eventId: feedbackEventId, expiresAt, resolvedAt: confirmed?.occurredAt ?? new Date() });
      },
    );
  }

  private async act(
    principal: Principal,
    whistleId: string,
    build: () => { command: WhistleCommand; eventIds?: Partial<Record<IntakeEvent['type'], string>> },
    also?: (em: EntityManager, stored: StoredEvent[]) => Promise<void>,
  ): Promise<WhistleView> {
    let act = 'unknown';
    try {
      const result = await this.dataSource.transaction(async (em) => {
        const view = await this.whistles.find(em, whistleId, true);
        if (!view) throw ProblemException.notFound(`哨件不存在 / No whistle ${whistleId}`);
        if (!canActOnWhistle(principal, view)) {
          throw ProblemException.forbidden('只有发起哨件的街道可以撤回、确认或退回 / Only the whistle’s own street may withdraw, confirm or reopen it');
        }
        const { command, eventIds } = build();
        act = command.type;
        const events: NewEvent[] = decide(command, whistleState(view)).map((e) => ({ type: e.type, data: e.data, eventId: eventIds?.[e.type] }));
        const meta = metadataFor(principal, randomUUID(), null);
        const stored = await appendAtHead(this.store, em, `whistle-${whistleId}`, events, {
          metadata: meta,
          companions: publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'intake', whistleId }),
        });
        if (also) await also(em, stored);
        const next = applyLocally(view, stored.map((e) => toViewEvent(e, meta.actor)));
        await this.whistles.save(em, next);
        return next;
      });
      actsTotal.inc({ act, outcome: 'recorded' });
      return result;
    } catch (err) {
      const problem = asProblem(err);
      actsTotal.inc({ act, outcome: problem instanceof ProblemException ? String(problem.getStatus()) : 'error' });
      throw problem;
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { departmentTopics, systemActor } from '@chuishao/contracts';
import { Messaging, type Envelope, type OutboxMessage } from '@chuishao/messaging';
import type { EventMetadata } from '@chuishao/event-store';
import type { WhistleConfirmedData, WhistleReopenedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';
import type { TriageOverriddenData } from '@chuishao/triage-contracts';
import type { WhistleClosedMessage } from '@chuishao/dispatch-contracts';
import { decide, OPEN_STATUSES } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';
import { WhistleBriefs } from '../whistle/whistle-briefs';

const reactionMetadata = (env: Envelope): EventMetadata => ({
  correlationId: env.correlationId,
  causationId: env.eventId,
  actor: systemActor('dispatch'),
});

/**
 * What dispatch does when the street or the command center changes the whistle:
 * - WhistleWithdrawn → open assignments cancelled (AssignmentsCancelled), departments told (CANCELLED);
 * - WhistleReopened → assignments back to work with a new complete deadline (DeadlinesChanged
 *   WHISTLE_REOPENED, new PENDING COMPLETE deadlines), departments told (REOPENED);
 * - TriageOverridden → open assignments' deadlines recomputed from their summonedAt with the new
 *   SLA (DeadlinesChanged TRIAGE_OVERRIDDEN; only PENDING deadline rows move), departments told;
 * - WhistleConfirmed → closed: no more replies, pending deadlines dropped, departments told (CLOSED).
 */
@Injectable()
export class ReactToWhistleFactsHandler {
  constructor(
    private readonly streams: DispatchStreams,
    private readonly briefs: WhistleBriefs,
    private readonly messaging: Messaging,
  ) {}

  async withdrawn(em: EntityManager, env: Envelope<'WhistleWithdrawn', WhistleWithdrawnData>): Promise<void> {
    const loaded = await this.streams.load(em, env.data.whistleId);
    if (!loaded.brief) return;
    const events = decide({ type: 'Withdraw', reason: env.data.reason || 'WHISTLE_WITHDRAWN' }, loaded.state);
    await this.streams.commit(em, loaded, events, reactionMetadata(env));
    await this.briefs.setPhase(em, env.data.whistleId, 'WITHDRAWN');
    await em.query(`UPDATE deadlines SET state = 'SKIPPED', decided_at = now() WHERE whistle_id = $1 AND state = 'PENDING'`, [env.data.whistleId]);
  }

  async reopened(em: EntityManager, env: Envelope<'WhistleReopened', WhistleReopenedData>): Promise<void> {
    const loaded = await this.streams.load(em, env.data.whistleId);
    if (!loaded.brief) return;
    const events = decide({ type: 'Reopen', reason: env.data.reason, now: new Date().toISOString() }, loaded.state);
    await this.streams.commit(em, loaded, events, reactionMetadata(env), [], { reason: env.data.reason });
    if (loaded.brief.phase === 'OPEN' || loaded.brief.phase === 'REOPENED') await this.briefs.setPhase(em, env.data.whistleId, 'REOPENED');
  }

  async overridden(em: EntityManager, env: Envelope<'TriageOverridden', TriageOverriddenData>): Promise<void> {
    const loaded = await this.streams.load(em, env.data.whistleId);
    if (!loaded.brief || loaded.state.assignments.length === 0) return;
    const events = decide({ type: 'Override', level: env.data.to, sla: env.data.sla }, loaded.state);
    await this.streams.commit(em, loaded, events, reactionMetadata(env));
  }

  async confirmed(em: EntityManager, env: Envelope<'WhistleConfirmed', WhistleConfirmedData>): Promise<void> {
    const whistleId = env.data.whistleId;
    const loaded = await this.streams.load(em, whistleId);
    if (!loaded.brief) return;
    const closedAt = new Date().toISOString();
    const messages: OutboxMessage[] = loaded.state.assignments
      .filter((a) => [...OPEN_STATUSES, 'COMPLETED'].includes(a.status))
      .map((a) => {
        const msg: WhistleClosedMessage = { type: 'CLOSED', assignmentId: a.id, whistleId, reason: 'WHISTLE_CONFIRMED', closedAt };
        return {
          topic: this.messaging.topic(departmentTopics(a.departmentId).assignments),
          key: whistleId,
          value: JSON.stringify(msg),
          headers: { 'message-type': msg.type },
        };
      });
    await this.streams.commit(em, loaded, [], reactionMetadata(env), messages);
    await this.briefs.setPhase(em, whistleId, 'RESOLVED');
    await em.query(`UPDATE deadlines SET state = 'SKIPPED', decided_at = now() WHERE whistle_id = $1 AND state = 'PENDING'`, [whistleId]);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { departmentTopics, systemActor } from '@chuishao/contracts';
import { Messaging, type Envelope, type OutboxMessage } from '@chuishao/messaging';
import type { EventMetadata } from '@chuishao/event-store';
import type { WhistleConfirmedData, WhistleReopenedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';
import type { TriageOverriddenData } from '@chuishao/triage-contracts';
import type { WhistleClosedMessage } from '@chuishao/dispatch-contracts';
import { decide } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';

const reactionMetadata = (env: Envelope): EventMetadata => ({
  correlationId: env.correlationId,
  causationId: env.eventId,
  actor: systemActor('dispatch'),
});

/**
 * What dispatch does when the street or the command center changes the whistle:
 * - WhistleWithdrawn → open assignments CLOSED (AssignmentsClosed WHISTLE_WITHDRAWN), departments
 *   told (CANCELLED); deadlines due at or after the withdrawal skipped, earlier ones still judged;
 * - WhistleReopened → assignments back to work with a new complete deadline (DeadlinesChanged
 *   WHISTLE_REOPENED, new PENDING COMPLETE deadlines), departments told (REOPENED);
 * - TriageOverridden → open assignments' deadlines recomputed from their summonedAt with the new
 *   SLA (DeadlinesChanged TRIAGE_OVERRIDDEN; only PENDING deadline rows move), departments told;
 * - WhistleConfirmed → closed: no more replies, open assignments CLOSED (AssignmentsClosed
 *   WHISTLE_CONFIRMED), deadlines due at or after the confirmation skipped (earlier ones are still
 *   judged: a miss before the closing stands), every live department told (CLOSED).
 * The closing time is the whistle event's own time, so dispatch and assessment agree on it. The
 * closing is recorded in dispatch's own stream (WhistleClosed, also for a whistle nobody was
 * summoned for yet); the projection then marks the brief's phase and skips the deadlines due at or
 * after it (./whistle/assignments.projection.ts).
 */
@Injectable()
export class ReactToWhistleFactsHandler {
  constructor(
    private readonly streams: DispatchStreams,
    private readonly messaging: Messaging,
  ) {}

  async withdrawn(em: EntityManager, env: Envelope<'WhistleWithdrawn', WhistleWithdrawnData>): Promise<void> {
    const loaded = await this.streams.load(em, env.data.whistleId);
    if (!loaded.brief) return;
    const closedAt = new Date(env.occurredAt).toISOString();
    const events = decide({ type: 'Close', whistleId: env.data.whistleId, cause: 'WHISTLE_WITHDRAWN', reason: env.data.reason || null, closedAt }, loaded.state);
    await this.streams.commit(em, loaded, events, reactionMetadata(env));
  }

  async reopened(em: EntityManager, env: Envelope<'WhistleReopened', WhistleReopenedData>): Promise<void> {
    const loaded = await this.streams.load(em, env.data.whistleId);
    if (!loaded.brief) return;
    const events = decide({ type: 'Reopen', reason: env.data.reason, now: new Date().toISOString() }, loaded.state);
    await this.streams.commit(em, loaded, events, reactionMetadata(env), [], { reason: env.data.reason });
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
    const closedAt = new Date(env.occurredAt).toISOString();
    const events = decide({ type: 'Close', whistleId, cause: 'WHISTLE_CONFIRMED', reason: null, closedAt }, loaded.state);
    // The open ones are told by AssignmentsClosed's messages; the completed ones here.
    const messages: OutboxMessage[] = loaded.state.assignments
      .filter((a) => a.status === 'COMPLETED')
      .map((a) => {
        const msg: WhistleClosedMessage = { type: 'CLOSED', assignmentId: a.id, whistleId, reason: 'WHISTLE_CONFIRMED', closedAt, status: 'COMPLETED' };
        return {
          topic: this.messaging.topic(departmentTopics(a.departmentId).assignments),
          key: whistleId,
          value: JSON.stringify(msg),
          headers: { 'message-type': msg.type },
        };
      });
    await this.streams.commit(em, loaded, events, reactionMetadata(env), messages);
  }
}

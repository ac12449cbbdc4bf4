import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Envelope } from '@chuishao/messaging';
import type { WhistleConfirmedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';

export type ClosingEnvelope = Envelope<'WhistleConfirmed', WhistleConfirmedData> | Envelope<'WhistleWithdrawn', WhistleWithdrawnData>;

/**
 * WhistleConfirmed (the street accepts the result → RESOLVED) and WhistleWithdrawn are final:
 * remember them so that the command center can no longer override the whistle's triage. Takes the
 * lock of the whistle's triage stream, so an override in flight either commits first or sees it.
 */
@Injectable()
export class RecordClosureWhenWhistleClosedHandler {
  async handle(em: EntityManager, env: ClosingEnvelope): Promise<void> {
    const whistleId = env.data.whistleId ?? env.whistleId;
    await em.query(`SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE`, [`whistle-${whistleId}`]);
    await em.query(
      `INSERT INTO whistle_closures (whistle_id, status, closed_at, event_id) VALUES ($1, $2, $3, $4) ON CONFLICT (whistle_id) DO NOTHING`,
      [whistleId, env.type === 'WhistleConfirmed' ? 'RESOLVED' : 'WITHDRAWN', new Date(env.occurredAt), env.eventId],
    );
  }
}

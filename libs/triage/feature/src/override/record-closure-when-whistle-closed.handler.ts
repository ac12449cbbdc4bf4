import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Envelope } from '@chuishao/messaging';
import type { WhistleConfirmedData, WhistleWithdrawnData } from '@chuishao/intake-contracts';
import { WhistleClosures } from './whistle-closures.repository';

export type ClosingEnvelope = Envelope<'WhistleConfirmed', WhistleConfirmedData> | Envelope<'WhistleWithdrawn', WhistleWithdrawnData>;

/**
 * WhistleConfirmed (the street accepts the result → RESOLVED) and WhistleWithdrawn are final:
 * remember them so that the command center can no longer override the whistle's triage. Takes the
 * lock of the whistle's triage stream, so an override in flight either commits first or sees it.
 */
@Injectable()
export class RecordClosureWhenWhistleClosedHandler {
  constructor(private readonly closures: WhistleClosures) {}

  async handle(em: EntityManager, env: ClosingEnvelope): Promise<void> {
    const whistleId = env.data.whistleId ?? env.whistleId;
    await this.closures.record(em, { whistleId, status: env.type === 'WhistleConfirmed' ? 'RESOLVED' : 'WITHDRAWN', closedAt: new Date(env.occurredAt), eventId: env.eventId });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import { eventMessages, enqueue, Messaging, RejectMessage, type Envelope } from '@chuishao/messaging';
import { systemActor, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { triage } from '@chuishao/triage-domain';
import { PolicyRepository } from '../policy/policy.repository';

/** WhistleBlown → WhistleTriaged with the policy in force when the whistle was blown. */
@Injectable()
export class TriageWhenWhistleBlownHandler {
  constructor(
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly policies: PolicyRepository,
  ) {}

  async handle(em: EntityManager, env: Envelope<'WhistleBlown', WhistleBlownData>): Promise<void> {
    const d = env.data;
    const situation = defaultCatalog().situation(d.situationCode);
    if (!situation) throw new RejectMessage(`unknown situation ${d.situationCode}`);
    const { policy } = await this.policies.current(em);
    const w = policy.rules.recurring;
    const [{ n }]: Array<{ n: string }> = await em.query(
      `SELECT count(*) AS n FROM whistle_sites
        WHERE situation_code = $1 AND whistle_id <> $2
          AND blown_at <= $3 AND blown_at > $3::timestamptz - make_interval(days => $4)
          AND (normalised_address = $5
               OR ($6::float8 IS NOT NULL AND lat IS NOT NULL AND
                   2 * 6371008.8 * asin(sqrt(power(sin(radians(lat - $6) / 2), 2) +
                     cos(radians($6)) * cos(radians(lat)) * power(sin(radians(lng - $7) / 2), 2))) <= $8))`,
      [d.situationCode, d.whistleId, env.occurredAt, w.windowDays, d.location.normalisedAddress, d.location.lat, d.location.lng, w.radiusMeters],
    );
    await em.query(
      `INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (whistle_id) DO NOTHING`,
      [d.whistleId, d.situationCode, d.location.normalisedAddress, d.location.lat, d.location.lng, env.occurredAt],
    );
    const result = triage(
      { situationCode: d.situationCode, area: d.area, defaultLevel: situation.defaultLevel, hints: d.hints, recurringCount: Number(n) },
      policy,
    );
    const data: WhistleTriagedData = {
      whistleId: d.whistleId,
      streetId: d.streetId,
      situationCode: d.situationCode,
      area: d.area,
      level: result.level,
      policyVersion: policy.version,
      rules: result.rules,
      sla: policy.sla[result.level],
      requestedDepartments: d.requestedDepartments,
    };
    const stored = await this.store.append(em, `whistle-${d.whistleId}`, 0, [{ type: 'WhistleTriaged', data }], {
      correlationId: env.correlationId,
      causationId: env.eventId,
      actor: systemActor('triage'),
    });
    await enqueue(em, eventMessages(stored, { topic: this.messaging.topic(TOPICS.whistleEvents), source: 'triage', whistleId: d.whistleId }));
  }
}

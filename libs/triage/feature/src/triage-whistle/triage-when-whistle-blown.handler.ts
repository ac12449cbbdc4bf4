import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import { Messaging, publishing, RejectMessage, type Envelope } from '@chuishao/messaging';
import { systemActor, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { counter, histogram } from '@chuishao/platform';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { EARTH_RADIUS_M, policyInForceAt, triage, type PolicyVersion } from '@chuishao/triage-domain';
import { POLICY_STREAM, PolicyRepository } from '../policy/policy.repository';

const handleSeconds = histogram(
  'chuishao_triage_handle_seconds',
  'WhistleBlown → WhistleTriaged inside the consumer transaction (policy lookup, recurring count, rules, append)',
  [],
  [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
);
const triagedTotal = counter('chuishao_whistles_triaged_total', 'Whistles triaged, by level and policy version', ['level', 'policy_version']);

/**
 * Counts the recurring neighbours of a whistle in the database. Must agree with the pure
 * `isRecurringNeighbour` (triage domain): same situation, another whistle, blown at most
 * windowDays × 24 h before (inclusive) and not after, and either the same non-empty normalised
 * address or within radiusMeters by haversine (inclusive, same Earth radius). A bounding box 1 %
 * larger than the circle lets the (situation, lat, lng) index find the neighbours by distance and
 * the (situation, normalised address) index those at the same address, so the cost follows the
 * neighbours, not the number of whistles of that situation.
 */
export const RECURRING_COUNT_SQL = `
  SELECT count(*) AS n FROM whistle_sites
   WHERE situation_code = $1 AND whistle_id <> $2
     AND blown_at <= $3::timestamptz AND blown_at >= $3::timestamptz - make_interval(hours => $4::int * 24)
     AND ((normalised_address <> '' AND normalised_address = $5)
          OR (lat BETWEEN $6::float8 - $8::float8 * 1.01 / 111194.9 AND $6::float8 + $8::float8 * 1.01 / 111194.9
              AND lng BETWEEN $7::float8 - $8::float8 * 1.01 / (111194.9 * cos(radians(least(abs($6::float8), 89.0))))
                          AND $7::float8 + $8::float8 * 1.01 / (111194.9 * cos(radians(least(abs($6::float8), 89.0))))
              AND 2 * ${EARTH_RADIUS_M} * asin(sqrt(power(sin(radians(lat - $6::float8) / 2), 2) +
                cos(radians($6::float8)) * cos(radians(lat)) * power(sin(radians(lng - $7::float8) / 2), 2))) <= $8::float8))`;

/** WhistleBlown → WhistleTriaged with the policy in force when the whistle was BLOWN (not when it is consumed). */
@Injectable()
export class TriageWhenWhistleBlownHandler {
  constructor(
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly policies: PolicyRepository,
  ) {}

  async handle(em: EntityManager, env: Envelope<'WhistleBlown', WhistleBlownData>): Promise<void> {
    const stop = handleSeconds.startTimer();
    const d = env.data;
    const situation = defaultCatalog().situation(d.situationCode);
    if (!situation) throw new RejectMessage(`unknown situation ${d.situationCode}`);
    const blownAt = new Date(env.occurredAt);
    if (Number.isNaN(blownAt.getTime())) throw new RejectMessage(`occurredAt is not a time: ${env.occurredAt}`);
    if (typeof d.location?.normalisedAddress !== 'string' || typeof d.hints?.lifeSafety !== 'boolean') {
      throw new RejectMessage('WhistleBlown without location.normalisedAddress or hints.lifeSafety');
    }
    // One round trip in the usual case: the whistle's site recorded, its recurring neighbours
    // counted with the cached policy's window, and the policy stream's version read to check that
    // cache; a policy published meanwhile means a reload and a recount.
    const recurringParams = (p: PolicyVersion['policy']) => [
      d.situationCode,
      d.whistleId,
      blownAt,
      p.rules.recurring.windowDays,
      d.location.normalisedAddress,
      d.location.lat,
      d.location.lng,
      p.rules.recurring.radiusMeters,
    ];
    const cached = this.policies.cachedHistory();
    let policy = policyInForceAt(cached.versions, blownAt).policy;
    const [row]: Array<{ n: string; policy_stream_version: string | null }> = await em.query(
      `WITH site AS (
         INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
         VALUES ($2, $1, $5, $6::float8, $7::float8, $3::timestamptz) ON CONFLICT (whistle_id) DO NOTHING
       )
       SELECT (${RECURRING_COUNT_SQL}) AS n, (SELECT version FROM streams WHERE stream_id = $9) AS policy_stream_version`,
      [...recurringParams(policy), POLICY_STREAM],
    );
    let n = Number(row.n);
    if (Number(row.policy_stream_version ?? 0) !== cached.streamVersion) {
      const fresh = (await this.policies.inForceAt(em, blownAt)).policy;
      if (fresh.rules.recurring.windowDays !== policy.rules.recurring.windowDays || fresh.rules.recurring.radiusMeters !== policy.rules.recurring.radiusMeters) {
        n = Number((await em.query(RECURRING_COUNT_SQL, recurringParams(fresh)))[0].n);
      }
      policy = fresh;
    }
    const result = triage(
      { situationCode: d.situationCode, area: d.area, defaultLevel: situation.defaultLevel, hints: d.hints, recurringCount: n },
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
    // the event and its outbox row in one statement
    await this.store.append(em, `whistle-${d.whistleId}`, 0, [{ type: 'WhistleTriaged', data }], {
      correlationId: env.correlationId,
      causationId: env.eventId,
      actor: systemActor('triage'),
    }, undefined, publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'triage', whistleId: d.whistleId }));
    triagedTotal.inc({ level: result.level, policy_version: String(policy.version) });
    stop();
  }
}

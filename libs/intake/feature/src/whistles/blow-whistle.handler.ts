import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canonicalJson, EventStore, GroupCommitter } from '@chuishao/event-store';
import { eventMessages, enqueue, Messaging } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { Principal } from '@chuishao/auth';
import { counter, ProblemException } from '@chuishao/platform';
import { decide, evolveView, NO_WHISTLE, normaliseAddress, type WhistleView } from '@chuishao/intake-domain';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { BlowWhistleRequestDto } from './blow-whistle.request.dto';
import { WhistleRepository } from './whistle.repository';
import { metadataFor } from './metadata';

const blowTotal = counter('chuishao_intake_whistles_total', 'Whistle requests by channel and outcome (blown, replayed, key_conflict)', ['channel', 'outcome']);

export interface BlowResult {
  status: 201 | 200;
  body: WhistleView;
}

/**
 * Blows a whistle exactly once per (street, Idempotency-Key): the key row, the WhistleBlown event,
 * its outbox row and the first read model commit together. A concurrent duplicate waits on the key
 * row and then answers the stored response; the same key with another body is a 409. Blows run
 * through the {@link GroupCommitter}: under load many share one commit, none is answered before it.
 */
@Injectable()
export class BlowWhistleHandler {
  constructor(
    private readonly committer: GroupCommitter,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly whistles: WhistleRepository,
  ) {}

  async handle(principal: Principal, idempotencyKey: string, dto: BlowWhistleRequestDto, channel: WhistleBlownData['channel'] = 'api'): Promise<BlowResult> {
    const catalog = defaultCatalog();
    const streetId = principal.org as string;
    const situation = catalog.situation(dto.situationCode);
    const errors: Array<{ field: string; message: string }> = [];
    if (!situation) errors.push({ field: 'situationCode', message: `未知的呼叫情形 / unknown situation code ${dto.situationCode}` });
    const street = catalog.street(streetId);
    if (dto.location.communityId && !street?.communities.some((c) => c.id === dto.location.communityId)) {
      errors.push({ field: 'location.communityId', message: '该社区不属于本街道 / community is not in this street' });
    }
    (dto.requestedDepartments ?? []).forEach((id, i) => {
      if (!catalog.department(id)) errors.push({ field: `requestedDepartments[${i}]`, message: `未知部门 / unknown department ${id}` });
    });
    if (errors.length) throw ProblemException.validation('请求参数无效 / The whistle is not valid', errors);

    const requestHash = createHash('sha256').update(canonicalJson(dto)).digest('hex');
    // Group commit (ADR 0005): concurrent blows share one WAL flush, each in its own savepoint.
    return this.committer.run(async (em) => {
      const whistleId = randomUUID();
      const claimed: unknown[] = await em.query(
        `INSERT INTO idempotency_keys (street_id, key, request_hash, whistle_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`,
        [streetId, idempotencyKey, requestHash, whistleId],
      );
      if (claimed.length === 0) {
        const [prior]: Array<{ request_hash: string; whistle_id: string }> = await em.query(
          `SELECT request_hash, whistle_id FROM idempotency_keys WHERE street_id = $1 AND key = $2`,
          [streetId, idempotencyKey],
        );
        if (prior.request_hash !== requestHash) {
          blowTotal.inc({ channel, outcome: 'key_conflict' });
          throw ProblemException.conflict('该 Idempotency-Key 已用于另一个请求体 / This Idempotency-Key was used with a different body');
        }
        const view = await this.whistles.find(em, prior.whistle_id);
        blowTotal.inc({ channel, outcome: 'replayed' });
        return { status: 200 as const, body: view as WhistleView };
      }
      const data: WhistleBlownData = {
        whistleId,
        streetId,
        situationCode: dto.situationCode,
        area: situation!.area,
        title: dto.title,
        description: dto.description,
        location: {
          address: dto.location.address,
          normalisedAddress: normaliseAddress(dto.location.address),
          communityId: dto.location.communityId ?? null,
          lat: dto.location.lat ?? null,
          lng: dto.location.lng ?? null,
        },
        requestedDepartments: dto.requestedDepartments ?? [],
        hints: { lifeSafety: dto.hints?.lifeSafety ?? false, householdsAffected: dto.hints?.householdsAffected ?? null },
        attachments: (dto.attachments ?? []).map((a) => ({ url: a.url, kind: a.kind })),
        channel,
      };
      const events = decide({ type: 'BlowWhistle', data }, NO_WHISTLE);
      const meta = metadataFor(principal, randomUUID(), null);
      const stored = await this.store.append(em, `whistle-${whistleId}`, 0, events, meta);
      await enqueue(em, eventMessages(stored, { topic: this.messaging.topic(TOPICS.whistleEvents), source: 'intake', whistleId }));
      const view = evolveView(undefined, {
        eventId: stored[0].eventId,
        type: stored[0].type,
        occurredAt: stored[0].occurredAt.toISOString(),
        actor: meta.actor,
        data: stored[0].data,
      }) as WhistleView;
      // The projector will see WhistleBlown again from the bus; the view is created here so the street reads its own write.
      await this.whistles.save(em, { ...view, version: 0 });
      blowTotal.inc({ channel, outcome: 'blown' });
      return { status: 201 as const, body: { ...view, version: 0 } };
    });
  }
}

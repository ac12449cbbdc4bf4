import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canonicalJson, EventStore } from '@chuishao/event-store';
import { GroupCommitter, type Companion, type Outcome } from '@chuishao/postgres';
import { Messaging, publishingEach } from '@chuishao/messaging';
import { TOPICS, whistleStreamId } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { Principal } from '@chuishao/auth';
import { counter, ProblemException, tuned } from '@chuishao/platform';
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

interface BlowRequest {
  principal: Principal;
  streetId: string;
  idempotencyKey: string;
  requestHash: string;
  dto: BlowWhistleRequestDto;
  situationArea: string;
  channel: WhistleBlownData['channel'];
}

/**
 * Blows a whistle exactly once per (street, Idempotency-Key): the key row, the WhistleBlown event,
 * its outbox row and the first read model commit together. A concurrent duplicate waits on the key
 * row and then answers the stored response; the same key with another body is a 409. Blows are
 * group-committed ({@link GroupCommitter}, ADR 0007): the blows that arrive together are written
 * with ONE statement for all of them (ADR 0010), atomic and durable on its own, and none is
 * answered before it returned.
 */
@Injectable()
export class BlowWhistleHandler {
  private readonly committer: GroupCommitter<BlowRequest, BlowResult>;

  constructor(
    dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly whistles: WhistleRepository,
  ) {
    // without group commit (measured side by side only): each blow its own statement, many at once
    const alone = tuned('group-commit') ? {} : { maxBatch: 1, concurrency: 16 };
    this.committer = new GroupCommitter(dataSource, (em, requests) => this.blowAll(em, requests), { transaction: false, ...alone });
  }

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
    // counted once committed (a batch may run again after a deadlock, or alone after a failure)
    try {
      const result = await this.committer.run({ principal, streetId, idempotencyKey, requestHash, dto, situationArea: situation!.area, channel });
      blowTotal.inc({ channel, outcome: result.status === 201 ? 'blown' : 'replayed' });
      return result;
    } catch (err) {
      if (err instanceof ProblemException && err.getStatus() === 409) blowTotal.inc({ channel, outcome: 'key_conflict' });
      throw err;
    }
  }

  /**
   * A batch of blows in ONE statement, atomic on its own (no transaction around it): the keys
   * claimed, and for the whistles whose key was free their streams, events, outbox rows and read
   * models (ADR 0010). Then, outside it, the answers for the keys used before.
   */
  private async blowAll(em: EntityManager, requests: readonly BlowRequest[]): Promise<Array<Outcome<BlowResult>>> {
    const blows = requests.map((r) => {
      const data = blownData(r, randomUUID());
      return { data, streamId: whistleStreamId(data.whistleId), events: decide({ type: 'BlowWhistle', data }, NO_WHISTLE), metadata: metadataFor(r.principal, randomUUID(), null) };
    });
    const blowOf = new Map(blows.map((b) => [b.streamId, b]));
    const outbox = publishingEach({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'intake', gated: true });
    const views = new Map<string, WhistleView>();
    const written = await this.store.appendNewStreams(
      em,
      blows,
      (drafts) => {
        for (const e of drafts) {
          const blow = blowOf.get(e.streamId)!;
          const view = evolveView(undefined, { eventId: e.eventId, type: e.type, occurredAt: e.occurredAt.toISOString(), actor: blow.metadata.actor, data: e.data });
          // The projector will see WhistleBlown again from the bus; the view is created here so the street reads its own write.
          views.set(blow.data.whistleId, { ...(view as WhistleView), version: 0 });
        }
        return [outbox(drafts), this.whistles.upsertViews([...views.values()], true)].filter((c): c is Companion => c !== undefined);
      },
      this.whistles.claimKeys(requests.map((r, i) => ({ streetId: r.streetId, key: r.idempotencyKey, requestHash: r.requestHash, whistleId: blows[i].data.whistleId }))),
    );

    const outcomes: Array<Outcome<BlowResult>> = [];
    for (const [i, r] of requests.entries()) {
      const view = written[i].length > 0 ? views.get(blows[i].data.whistleId) : undefined;
      if (view) {
        outcomes.push({ ok: true, value: { status: 201, body: view } });
        continue;
      }
      // the key was used before (or earlier in this batch): the same body replays, another is a 409
      const prior = await this.whistles.keyHolder(em, r.streetId, r.idempotencyKey);
      if (prior.requestHash !== r.requestHash) {
        outcomes.push({ ok: false, error: ProblemException.conflict('该 Idempotency-Key 已用于另一个请求体 / This Idempotency-Key was used with a different body') });
        continue;
      }
      outcomes.push({ ok: true, value: { status: 200, body: (await this.whistles.find(em, prior.whistleId)) as WhistleView } });
    }
    return outcomes;
  }
}

function blownData(r: BlowRequest, whistleId: string): WhistleBlownData {
  const { dto } = r;
  return {
    whistleId,
    streetId: r.streetId,
    situationCode: dto.situationCode,
    area: r.situationArea,
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
    channel: r.channel,
  };
}

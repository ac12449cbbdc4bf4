import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import { type Companion } from '@chuishao/postgres';
import { Messaging, publishingEach, RejectMessage, type Envelope, type InboxGate, type Membership } from '@chuishao/messaging';
import { systemActor, TOPICS, whistleStreamId, type Level } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { policyInForceAt, triage, type PolicyVersion, type WhistleSite } from '@chuishao/triage-domain';
import { PolicyRepository, policyUnchanged } from '../policy/policy.repository';
import { RecurringSites, sitesInsert } from './recurring-sites';
import { countedTotal, observeDecision, triagedTotal } from './triage.metrics';

/** A WhistleBlown checked and ready to be triaged with the others of its batch. */
export interface BlownWhistle {
  env: Envelope<'WhistleBlown', WhistleBlownData>;
  site: WhistleSite;
  defaultLevel: Level;
  /** The consumer's membership of its group when the message came (the index is used only while it is the only member). */
  membership: Membership;
}

/**
 * WhistleBlown → WhistleTriaged with the policy in force when the whistle was BLOWN (not when it
 * is consumed). A consumer batch's whistles are triaged together at its end (ADR 0010): their
 * sites and recurring counts in one statement, their events and outbox rows in another.
 */
@Injectable()
export class TriageWhenWhistleBlownHandler {
  constructor(
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly policies: PolicyRepository,
    private readonly recurring: RecurringSites,
  ) {}

  /** Checks a WhistleBlown: RejectMessage when it cannot be triaged (before anything is set aside). */
  check(env: Envelope<'WhistleBlown', WhistleBlownData>, membership: Membership): BlownWhistle {
    const d = env.data;
    const situation = defaultCatalog().situation(d.situationCode);
    if (!situation) throw new RejectMessage(`unknown situation ${d.situationCode}`);
    const blownAt = new Date(env.occurredAt);
    if (Number.isNaN(blownAt.getTime())) throw new RejectMessage(`occurredAt is not a time: ${env.occurredAt}`);
    if (typeof d.location?.normalisedAddress !== 'string' || typeof d.hints?.lifeSafety !== 'boolean') {
      throw new RejectMessage('WhistleBlown without location.normalisedAddress or hints.lifeSafety');
    }
    const site: WhistleSite = {
      whistleId: d.whistleId,
      situationCode: d.situationCode,
      normalisedAddress: d.location.normalisedAddress,
      lat: typeof d.location.lat === 'number' ? d.location.lat : null,
      lng: typeof d.location.lng === 'number' ? d.location.lng : null,
      blownAt,
    };
    return { env, site, defaultLevel: situation.defaultLevel, membership };
  }

  /**
   * Triages checked whistles together, with no transaction (ADR 0010): the recurring counts — from
   * the in-memory index as the group's only member (ADR 0017), else by the sites statement, which
   * records the sites (idempotent) — then ONE statement with the WhistleTriaged streams and their
   * outbox rows (and the sites, if no statement recorded them yet), gated by the messages' inbox
   * rows, so each whistle at most once, and by the policy stream's version the decisions were made
   * under: if a policy was published since the cache was loaded, it writes nothing, and the batch is
   * triaged again under the reloaded history.
   */
  async triageAll(em: EntityManager, pending: ReadonlyArray<{ messageId: string; item: BlownWhistle }>, inbox: InboxGate, inTransaction = true): Promise<void> {
    if (pending.length === 0) return;
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    const whistles = [...new Map(pending.map((p) => [p.item.site.whistleId, p.item])).values()];
    const sites = whistles.map((w) => w.site);
    const cached = this.policies.cachedHistory();
    const policies = whistles.map((w) => policyInForceAt(cached.versions, w.site.blownAt).policy);
    const membership = pending[0].item.membership;
    const chosen = this.recurring.counter(em, {
      membership,
      sameMembership: pending.every((p) => p.item.membership === membership),
      inTransaction,
      versions: cached.versions,
      sites,
      policies,
    });
    const counter = chosen instanceof Promise ? await chosen : chosen;
    const counted = counter.count(em, sites, policies);
    const counts = counted instanceof Promise ? await counted : counted;
    const triaged = whistles.map((w, i) => this.triaged(w, policies[i], counts[i]));
    observeDecision(whistles.length, started, cpuStarted);
    countedTotal.inc({ source: counter.source }, whistles.length);

    const written = await this.append(em, pending, whistles, triaged, inbox, { onlyIf: policyUnchanged(cached.streamVersion), sites: counter.recordsSites ? undefined : sites });
    // into the index in use, however they were counted: the next counts from it must see them
    this.recurring.recorded(sites);
    for (const [i, t] of triaged.entries()) {
      if (written[i].length > 0) triagedTotal.inc({ level: t.level, policy_version: String(policies[i].version) });
    }
    if (written.some((w) => w.length > 0)) return;
    // nothing written: every message was handled before, or a policy was published meanwhile
    if ((await this.policies.history(em)).streamVersion === cached.streamVersion) return;
    await this.triageAll(em, pending, inbox, inTransaction);
  }

  /** The WhistleTriaged streams with their outbox rows (and `sites`), gated by the inbox rows (and `onlyIf`): one statement. */
  private append(
    em: EntityManager,
    pending: ReadonlyArray<{ messageId: string; item: BlownWhistle }>,
    whistles: readonly BlownWhistle[],
    triaged: readonly WhistleTriagedData[],
    inbox: InboxGate,
    also: { onlyIf?: Companion; sites?: readonly WhistleSite[] } = {},
  ) {
    const topic = this.messaging.topic(TOPICS.whistleEvents);
    const streamOf = new Map(pending.map((p) => [p.messageId, whistleStreamId(p.item.site.whistleId)]));
    return this.store.appendNewStreams(
      em,
      triaged.map((data, i) => ({
        streamId: whistleStreamId(data.whistleId),
        events: [{ type: 'WhistleTriaged', data }],
        metadata: { correlationId: whistles[i].env.correlationId, causationId: whistles[i].env.eventId, actor: systemActor('triage') },
      })),
      (drafts) => [publishingEach({ topic, source: 'triage', gated: true })(drafts), ...(also.sites ? [sitesInsert(also.sites)] : [])],
      inbox((messageId) => streamOf.get(messageId) as string, also.onlyIf),
    );
  }

  private triaged(w: BlownWhistle, policy: PolicyVersion['policy'], recurringCount: number): WhistleTriagedData {
    const d = w.env.data;
    const result = triage({ situationCode: d.situationCode, area: d.area, defaultLevel: w.defaultLevel, hints: d.hints, recurringCount }, policy);
    return {
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
  }
}

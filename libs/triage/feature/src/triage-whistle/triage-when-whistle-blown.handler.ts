import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore, type Companion } from '@chuishao/event-store';
import { Messaging, publishingEach, RejectMessage, type Envelope, type InboxGate, type Membership } from '@chuishao/messaging';
import { systemActor, TOPICS, whistleStreamId, type Level } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { counter, histogram } from '@chuishao/platform';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { EARTH_RADIUS_M, isRecurringNeighbour, policyInForceAt, triage, type PolicyVersion, type WhistleSite } from '@chuishao/triage-domain';
import { POLICY_STREAM, PolicyRepository } from '../policy/policy.repository';
import { longestWindowDays, RecurringSites, sitesInsert } from './recurring-sites';

const triagedTotal = counter('chuishao_whistles_triaged_total', 'Whistles triaged, by level and policy version', ['level', 'policy_version']);
const countedTotal = counter(
  'chuishao_triage_recurring_counts_total',
  "Whistles whose recurring neighbours triage counted, by where: memory (its index of sites, as the group's only member) or database (the sites statement)",
  ['source'],
);
/**
 * Triage's decision for a batch's whistles, observed once a whistle: the recurring counts (from the
 * in-memory index of sites, or the statement that records the sites and counts in the database; ADR
 * 0017), the policy in force, the five rules. What a consumer stage of any service also does (the
 * Kafka fetch, the inbox rows, the append with its outbox rows, the commit) is not in it;
 * chuishao_consumer_batch_seconds has the whole batch.
 */
const DECISION_BUCKETS = [0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.00175, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const decisionSeconds = histogram(
  'chuishao_triage_decision_seconds',
  "Triage's decision, per whistle: its batch's recurring counts (in memory, or the sites and counts statement), the policy in force and the rules (not the append, inbox rows or commit)",
  [],
  DECISION_BUCKETS,
);
/**
 * The same decision in CPU time (the process's, from getrusage: its main thread's work with any
 * garbage collection in it, and what its helper threads ran meanwhile), without the time it waited
 * for a core: on a machine whose cores are all busy, the scheduler can suspend the thread in the
 * middle of it, which the wall time above counts.
 */
const decisionCpuSeconds = histogram(
  'chuishao_triage_decision_cpu_seconds',
  "Triage's decision, per whistle, in the process's CPU time: the same work as chuishao_triage_decision_seconds without the time it waited for a core",
  [],
  DECISION_BUCKETS,
);

/** The SQL expressions a recurring count compares against: parameters, or the columns of a batch's rows. */
interface RecurringRefs {
  situation: string;
  whistleId: string;
  blownAt: string;
  windowDays: string;
  address: string;
  lat: string;
  lng: string;
  radius: string;
}

/**
 * Counts the recurring neighbours of a whistle in the database. Must agree with the pure
 * `isRecurringNeighbour` (triage domain): same situation, another whistle, blown at most
 * windowDays × 24 h before (inclusive) and not after, and either the same non-empty normalised
 * address or within radiusMeters by haversine (inclusive, same Earth radius).
 *
 * Two counts added, not one OR: those at the same address (the (address, situation, blown_at)
 * index: equality, then the window as a range) and those within the radius at another address
 * (the (situation, lat, lng, blown_at) index: a bounding box 1 % larger than the circle, the window
 * checked in the index). Each arm has one index that fits it whatever the table's statistics say;
 * the OR was planned well only after an ANALYZE, and before one (a new database, a server without
 * autovacuum) it read every whistle of the situation in the window: ~4 ms a whistle at ~900 of them.
 */
function recurringCountSql(r: RecurringRefs): string {
  const dLat = `${r.radius} * 1.01 / 111194.9`;
  const dLng = `${r.radius} * 1.01 / (111194.9 * cos(radians(least(abs(${r.lat}), 89.0))))`;
  const sameAddress = `${r.address} <> '' AND w.normalised_address = ${r.address}`;
  const others = `w.situation_code = ${r.situation} AND w.whistle_id <> ${r.whistleId}
       AND w.blown_at <= ${r.blownAt} AND w.blown_at >= ${r.blownAt} - make_interval(hours => ${r.windowDays} * 24)`;
  return `
  (SELECT count(*) FROM whistle_sites w WHERE ${others} AND ${sameAddress})
  + (SELECT count(*) FROM whistle_sites w
     WHERE ${others} AND NOT (${sameAddress})
       AND w.lat BETWEEN ${r.lat} - ${dLat} AND ${r.lat} + ${dLat}
       AND w.lng BETWEEN ${r.lng} - ${dLng} AND ${r.lng} + ${dLng}
       AND 2 * ${EARTH_RADIUS_M} * asin(sqrt(power(sin(radians(w.lat - ${r.lat}) / 2), 2) +
         cos(radians(${r.lat})) * cos(radians(w.lat)) * power(sin(radians(w.lng - ${r.lng}) / 2), 2))) <= ${r.radius})`;
}

/** One whistle's count: $1 situation, $2 whistle id, $3 blown at, $4 window days, $5 normalised address, $6 lat, $7 lng, $8 radius (m). */
export const RECURRING_COUNT_SQL = `SELECT ${recurringCountSql({
  situation: '$1',
  whistleId: '$2::uuid',
  blownAt: '$3::timestamptz',
  windowDays: '$4::int',
  address: '$5',
  lat: '$6::float8',
  lng: '$7::float8',
  radius: '$8::float8',
})} AS n`;

/**
 * A batch of whistles' sites recorded and their recurring neighbours counted in one statement
 * (arrays, one element a whistle, in order). The count cannot see the sites this statement inserts: the batch's own
 * neighbours are counted in memory (isRecurringNeighbour), those whose site is new (`new_site`;
 * a site already there — a redelivery, a retry — is in the database's count already).
 *
 * $9: its commit does not wait for the WAL flush (synchronous_commit off for this statement's own
 * transaction) — only when it is its own transaction, never inside a batch's transaction that
 * another message opened, whose commit would then not wait either. The batch's next statement,
 * the gated append, commits synchronously, and flushing its commit flushes every earlier record,
 * these sites included — before the Kafka offsets are committed. If the append writes nothing (every message a duplicate), the sites were already
 * there: a message's inbox row is only ever written after its site. A crash in between loses at
 * most sites whose messages were not marked done, and are redelivered. One fsync wait fewer a
 * batch: 2.85 → 1.6 ms p50 for this statement at 10 whistles/s.
 */
export const SITES_AND_COUNTS_SQL = `
  WITH i AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::int[], $5::text[], $6::float8[], $7::float8[], $8::float8[])
      WITH ORDINALITY AS i(situation_code, whistle_id, blown_at, window_days, normalised_address, lat, lng, radius, ord)
  ), site AS (
    INSERT INTO whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
    SELECT whistle_id, situation_code, normalised_address, lat, lng, blown_at FROM i ON CONFLICT (whistle_id) DO NOTHING
    RETURNING whistle_id
  )
  SELECT i.whistle_id IN (SELECT whistle_id FROM site) AS new_site, (${recurringCountSql({
    situation: 'i.situation_code',
    whistleId: 'i.whistle_id',
    blownAt: 'i.blown_at',
    windowDays: 'i.window_days',
    address: 'i.normalised_address',
    lat: 'i.lat',
    lng: 'i.lng',
    radius: 'i.radius',
  })}) AS n,
         (SELECT CASE WHEN $9::boolean THEN set_config('synchronous_commit', 'off', true) END) AS commit_without_flush
    FROM i ORDER BY i.ord`;

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
    // in a transaction (a batch another message began, or a message retried alone) the database
    // counts: the index takes only sites whose statement committed on its own
    const membership = pending[0].item.membership;
    const windowDays = longestWindowDays(cached.versions);
    const index =
      !inTransaction && pending.every((p) => p.item.membership === membership)
        ? (this.recurring.ready(membership, windowDays) ?? (membership.sole ? await this.recurring.load(em, membership, windowDays) : undefined))
        : undefined;
    const inMemory = index !== undefined && whistles.every((w, i) => index.covers(w.site, policies[i]));
    const counts = inMemory
      ? whistles.map((w, i) => index.count(w.site, policies[i], sites)) // the batch's own sites count too (each once, if blown before)
      : await this.countInDatabase(em, whistles, policies, inTransaction);
    const triaged = whistles.map((w, i) => this.triaged(w, policies[i], counts[i]));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    for (let k = 0; k < whistles.length; k++) {
      decisionSeconds.observe(seconds);
      decisionCpuSeconds.observe(cpuSeconds);
    }
    countedTotal.inc({ source: inMemory ? 'memory' : 'database' }, whistles.length);

    const policyUnchanged: Companion = (first) => ({
      sql: `coalesce((SELECT version FROM streams WHERE stream_id = $${first}), 0) = $${first + 1}::bigint`,
      params: [POLICY_STREAM, cached.streamVersion],
    });
    const written = await this.append(em, pending, whistles, triaged, inbox, { onlyIf: policyUnchanged, sites: inMemory ? sites : undefined });
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

  /**
   * The sites statement: the batch's sites recorded, and each whistle's recurring count — the
   * database's, plus the batch's own new sites, which the statement cannot see.
   */
  private async countInDatabase(em: EntityManager, whistles: readonly BlownWhistle[], policies: ReadonlyArray<PolicyVersion['policy']>, inTransaction: boolean): Promise<number[]> {
    const col = <T>(f: (w: BlownWhistle, i: number) => T): T[] => whistles.map(f);
    const rows: Array<{ new_site: boolean; n: string }> = await em.query(SITES_AND_COUNTS_SQL, [
      col((w) => w.site.situationCode),
      col((w) => w.site.whistleId),
      col((w) => w.site.blownAt),
      col((_, i) => policies[i].rules.recurring.windowDays),
      col((w) => w.site.normalisedAddress),
      col((w) => w.site.lat),
      col((w) => w.site.lng),
      col((_, i) => policies[i].rules.recurring.radiusMeters),
      !inTransaction,
    ]);
    const fresh = whistles.filter((_, i) => rows[i].new_site);
    return whistles.map((w, i) => Number(rows[i].n) + fresh.filter((other) => other !== w && isRecurringNeighbour(other.site, w.site, policies[i])).length);
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

import { Injectable } from '@nestjs/common';
import type { Companion, Queryable } from '@chuishao/postgres';
import { insertRows } from '@chuishao/postgres';
import type { Membership } from '@chuishao/messaging';
import { counter, gauge, tuned } from '@chuishao/platform';
import { DAY_MS, SiteIndex, type PolicyVersion, type TriagePolicy, type WhistleSite } from '@chuishao/triage-domain';
import { IndexRecurringCount, type RecurringCount } from './recurring-count';
import { SqlRecurringCount } from './recurring-count.sql';

const loads = counter('chuishao_triage_site_index_loads_total', "Loads of triage's in-memory index of whistle sites from whistle_sites (one each time it became its group's only member)", []);
const held = gauge('chuishao_triage_site_index_sites', "Whistle sites in triage's in-memory index (0: not in use — not the group's only member — or not loaded yet)", []);

/** A day more than the longest window: whistles that arrive late (up to a day) still fall inside. */
const SLACK_DAYS = 1;
/** How often the sites past every window are forgotten. */
const PRUNE_EVERY_MS = 3_600_000;
/** Switched off only to be measured side by side (platform's tuning.ts). */
const inUse = tuned('recurring-index');

/** The columns of whistle_sites, in the order {@link sitesInsert} writes them. */
const SITE_COLUMNS: Array<[string, string]> = [
  ['whistle_id', 'uuid'],
  ['situation_code', 'text'],
  ['normalised_address', 'text'],
  ['lat', 'float8'],
  ['lng', 'float8'],
  ['blown_at', 'timestamptz'],
];

/** The INSERT of whistles' sites as a companion of the statement that triages them (a site already there stays). */
export function sitesInsert(sites: readonly WhistleSite[]): Companion {
  return (first) => {
    const ins = insertRows(
      'whistle_sites',
      sites.map((s) => [s.whistleId, s.situationCode, s.normalisedAddress, s.lat, s.lng, s.blownAt]),
      SITE_COLUMNS,
      first,
    );
    return { sql: `${ins.sql} ON CONFLICT (whistle_id) DO NOTHING`, params: ins.params };
  };
}

/** The longest recurring window of any policy version: what the index must hold. */
function longestWindowDays(versions: readonly PolicyVersion[]): number {
  return Math.max(...versions.map((v) => v.policy.rules.recurring.windowDays));
}

/**
 * Triage's in-memory index of the whistles' sites (ADR 0017), in use while triage's consumer is the
 * only member of its group: it then sees every WhistleBlown, so the index — loaded from whistle_sites
 * when the membership began, then given every site triage records — holds every site the database
 * holds, and a batch's recurring counts need no statement. Any other membership: none (the batch
 * counts in the database, as a second instance must).
 */
@Injectable()
export class RecurringSites {
  private index?: SiteIndex;
  private generation = -1;
  private windowDays = 0;
  private prunedAt = 0;

  /**
   * How a batch's recurring counts are made (the one place that chooses): from the index while the
   * consumer is its group's only member and the batch's statement runs on its own (in a transaction
   * — a batch another message began, or a message retried alone — the index would take sites that
   * may not commit), else in the database.
   */
  counter(db: Queryable, o: { membership: Membership; sameMembership: boolean; inTransaction: boolean; versions: readonly PolicyVersion[]; sites: readonly WhistleSite[]; policies: ReadonlyArray<Pick<TriagePolicy, 'rules'>> }): RecurringCount | Promise<RecurringCount> {
    const choose = (index: SiteIndex | undefined): RecurringCount =>
      index && o.sites.every((s, i) => index.covers(s, o.policies[i])) ? new IndexRecurringCount(index) : new SqlRecurringCount(!o.inTransaction);
    if (o.inTransaction || !o.sameMembership || !inUse) return choose(undefined);
    const windowDays = longestWindowDays(o.versions);
    const ready = this.ready(o.membership, windowDays);
    if (ready || !o.membership.sole) return choose(ready); // no await: the decision runs without yielding
    return this.load(db, o.membership, windowDays).then(choose);
  }

  /**
   * The index for a batch decided under `membership`, if it is loaded for it: undefined unless the
   * consumer is the group's only member, or when {@link load} must run first (no index for this
   * membership yet, or its windows grew: a policy with a longer one). No await when it is there:
   * the decision that uses it runs without yielding.
   */
  ready(membership: Membership, windowDays: number): SiteIndex | undefined {
    if (!membership.sole) {
      this.drop();
      return undefined;
    }
    return this.index && this.generation === membership.generation && windowDays <= this.windowDays ? this.index : undefined;
  }

  /** Loads the index for `membership` from whistle_sites: every site blown within `windowDays` (and a day) of now. */
  async load(db: Queryable, membership: Membership, windowDays: number): Promise<SiteIndex> {
    const from = new Date(Date.now() - (windowDays + SLACK_DAYS) * DAY_MS);
    const rows: Array<{ whistle_id: string; situation_code: string; normalised_address: string; lat: number | null; lng: number | null; blown_at: Date }> = await db.query(
      `SELECT whistle_id, situation_code, normalised_address, lat, lng, blown_at FROM whistle_sites WHERE blown_at >= $1`,
      [from],
    );
    const index = new SiteIndex(from);
    for (const r of rows) index.add({ whistleId: r.whistle_id, situationCode: r.situation_code, normalisedAddress: r.normalised_address, lat: r.lat, lng: r.lng, blownAt: new Date(r.blown_at) });
    this.index = index;
    this.generation = membership.generation;
    this.windowDays = windowDays;
    this.prunedAt = Date.now();
    loads.inc();
    held.set(index.size);
    return index;
  }

  /**
   * Sites the database now holds (their statement returned), or will once the transaction they were
   * written in commits — or, if it does not, once its messages, retried alone, are: into the index
   * in use, if any. Whichever way a batch was counted, its sites reach the index.
   */
  recorded(sites: readonly WhistleSite[]): void {
    const index = this.index;
    if (!index) return;
    for (const s of sites) index.add(s);
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      index.prune(new Date(Date.now() - (this.windowDays + SLACK_DAYS) * DAY_MS));
    }
    held.set(index.size);
  }

  private drop(): void {
    if (!this.index) return;
    this.index = undefined;
    this.generation = -1;
    held.set(0);
  }
}

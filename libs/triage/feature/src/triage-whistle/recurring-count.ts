import type { Queryable } from '@chuishao/postgres';
import type { SiteIndex, TriagePolicy, WhistleSite } from '@chuishao/triage-domain';

/**
 * Rule 4's count (recurring problem): for each whistle of a batch, its earlier neighbours — the
 * same situation at the same address or within the radius, inside the window of the policy in
 * force for it — among every site recorded so far and the batch's own. Two implementations: the
 * in-memory index, while triage is its consumer group's only member (ADR 0017), and the database
 * (SqlRecurringCount) otherwise; `RecurringSites.counter` chooses. Both are tested equal to the
 * pure `recurringCount` (triage domain): the index in site-index.unit.spec.ts, the SQL in
 * libs/triage/feature/test/recurring-count.sql.int.spec.ts.
 */
export interface RecurringCount {
  readonly source: 'memory' | 'database';
  /** Whether counting also recorded the batch's sites in whistle_sites (else the append must). */
  readonly recordsSites: boolean;
  /** The index answers without a promise: a decision made from it runs without yielding. */
  count(db: Queryable, sites: readonly WhistleSite[], policies: ReadonlyArray<Pick<TriagePolicy, 'rules'>>): number[] | Promise<number[]>;
}

/** The count from the in-memory index of sites; the batch's own sites count too (each once, if blown before). */
export class IndexRecurringCount implements RecurringCount {
  readonly source = 'memory';
  readonly recordsSites = false;

  constructor(private readonly index: SiteIndex) {}

  count(_db: Queryable, sites: readonly WhistleSite[], policies: ReadonlyArray<Pick<TriagePolicy, 'rules'>>): number[] {
    return sites.map((s, i) => this.index.count(s, policies[i], sites));
  }
}

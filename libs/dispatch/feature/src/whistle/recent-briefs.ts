import { Injectable } from '@nestjs/common';
import type { Membership } from '@chuishao/messaging';
import { counter, gauge, tuned } from '@chuishao/platform';
import type { WhistleBrief } from './whistle-briefs';

const held = gauge('chuishao_dispatch_recent_briefs', 'Briefs of blown, not yet summoned whistles that dispatch holds in memory (ADR 0018)', []);
export const summonLoads = counter(
  'chuishao_dispatch_summon_loads_total',
  'Triaged whistles dispatch summoned, by where it found their briefs: memory (written by this consumer in its current group generation) or database (the load statement)',
  ['source'],
);

/** More than a few minutes of whistles at 200/s: beyond it the oldest are forgotten (they take the database path). */
const CAPACITY = 50_000;
/** Switched off only to be measured side by side (platform's tuning.ts). */
const inUse = tuned('brief-cache');

/**
 * The briefs of the blown whistles that dispatch's whistle-event consumer wrote in its current
 * group generation and has not summoned yet (ADR 0018). While its generation lasts the consumer
 * alone owns the partitions of these whistles, so every later event of one of them comes to it: a
 * fact that changes a whistle's brief ({@link forget}) drops it here before it is applied. A
 * summons whose briefs are all here needs no statement to load them.
 */
@Injectable()
export class RecentBriefs {
  private readonly byId = new Map<string, WhistleBrief>();
  private generation = -1;

  /** Briefs written under `membership` (by the statement of their batch). */
  written(membership: Membership, briefs: readonly WhistleBrief[]): void {
    if (!this.follow(membership)) return;
    for (const b of briefs) {
      this.byId.delete(b.whistleId); // a second write moves it to the end: the oldest go first
      this.byId.set(b.whistleId, b);
    }
    for (const id of this.byId.keys()) {
      if (this.byId.size <= CAPACITY) break;
      this.byId.delete(id);
    }
    held.set(this.byId.size);
  }

  /**
   * Every one of these whistles' briefs — from `inBatch` (the batch's own, being written with it),
   * else held for `membership`'s generation — when all are there; else undefined.
   */
  all(membership: Membership, whistleIds: readonly string[], inBatch: ReadonlyMap<string, WhistleBrief>): WhistleBrief[] | undefined {
    if (!this.follow(membership)) return undefined;
    const briefs: WhistleBrief[] = [];
    for (const id of whistleIds) {
      const b = inBatch.get(id) ?? this.byId.get(id);
      if (!b) return undefined;
      briefs.push(b);
    }
    return briefs;
  }

  /** A whistle whose brief may change (a fact about it arrived), or that was summoned: not held any more. */
  forget(whistleId: string): void {
    if (this.byId.delete(whistleId)) held.set(this.byId.size);
  }

  /** Follows the consumer's generation; false while it is not known (no group joined yet). */
  private follow(membership: Membership): boolean {
    if (membership.generation !== this.generation) {
      // another generation: the partitions may have moved, and another member may have changed a brief
      this.generation = membership.generation;
      this.byId.clear();
      held.set(0);
    }
    return membership.generation > 0 && inUse;
  }
}

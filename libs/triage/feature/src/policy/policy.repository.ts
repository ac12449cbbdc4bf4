import { Injectable } from '@nestjs/common';
import type { Companion, Queryable } from '@chuishao/postgres';
import type { TriagePolicyPublishedData } from '@chuishao/triage-contracts';
import { BUILT_IN_POLICY, policyInForceAt, type PolicyVersion } from '@chuishao/triage-domain';

export const POLICY_STREAM = 'policy-triage';

/**
 * The condition of a write made under the policy stream at `streamVersion`: it holds while no
 * policy has been published since (the stream has no row yet at version 0). Gates the triage
 * batch's append, so decisions made under a stale cache write nothing.
 */
export function policyUnchanged(streamVersion: number): Companion {
  return (first) => ({
    sql: `coalesce((SELECT version FROM streams WHERE stream_id = $${first}), 0) = $${first + 1}::bigint`,
    params: [POLICY_STREAM, streamVersion],
  });
}

interface PolicyRow {
  data: TriagePolicyPublishedData;
  occurred_at: Date;
  metadata: { actor: { role: string; org?: string | null; sub: string } };
}

export interface PolicyHistory {
  /** The policy stream's version (0 = nothing published yet: v1 is built in). */
  streamVersion: number;
  /** v1 (built in) first, then every published version in order. */
  versions: PolicyVersion[];
}

/**
 * The versions of the triage policy: v1 is the contract's default, built in; v2… are the
 * TriagePolicyPublished events of stream `policy-triage`. Versions never change once published,
 * so the history is cached and reloaded only when the stream's version moved.
 */
@Injectable()
export class PolicyRepository {
  private cache: PolicyHistory = { streamVersion: 0, versions: [BUILT_IN_POLICY] };

  /** The history as last loaded (no query): callers that read the stream version in a statement of their own check it against `streamVersion`. */
  cachedHistory(): PolicyHistory {
    return this.cache;
  }

  async history(db: Queryable): Promise<PolicyHistory> {
    const [row]: Array<{ version: string }> = await db.query(`SELECT version FROM streams WHERE stream_id = $1`, [POLICY_STREAM]);
    const streamVersion = row ? Number(row.version) : 0;
    if (streamVersion === this.cache.streamVersion) return this.cache;
    const rows: PolicyRow[] = await db.query(
      `SELECT data, occurred_at, metadata FROM events WHERE stream_id = $1 ORDER BY stream_position`,
      [POLICY_STREAM],
    );
    const versions: PolicyVersion[] = [
      BUILT_IN_POLICY,
      ...rows.map((r) => ({
        policy: { version: r.data.version, sla: r.data.sla, rules: r.data.rules },
        publishedAt: new Date(r.occurred_at),
        publishedBy: { role: r.metadata.actor.role, org: r.metadata.actor.org ?? null, sub: r.metadata.actor.sub },
      })),
    ];
    const loaded = { streamVersion: rows.length, versions };
    // Keep the newest view only: a reader inside an older snapshot must not roll the cache back.
    if (loaded.streamVersion >= this.cache.streamVersion) this.cache = loaded;
    return loaded;
  }

  /** The policy in force now (the latest version). */
  async current(db: Queryable): Promise<PolicyVersion> {
    const h = await this.history(db);
    return h.versions[h.versions.length - 1];
  }

  /** The policy in force when a whistle was blown (its WhistleBlown occurredAt). */
  async inForceAt(db: Queryable, blownAt: Date): Promise<PolicyVersion> {
    return policyInForceAt((await this.history(db)).versions, blownAt);
  }

  async byVersion(db: Queryable, version: number): Promise<PolicyVersion | undefined> {
    return (await this.history(db)).versions.find((v) => v.policy.version === version);
  }
}

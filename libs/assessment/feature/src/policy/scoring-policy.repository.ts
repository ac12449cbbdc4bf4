import type { Queryable } from '@chuishao/postgres';
import { minimumSampleOf, SCORING_POLICY_V1, type PublishedPolicy, type ScoringPolicy } from '@chuishao/assessment-domain';

export const SCORING_POLICY_STREAM = 'policy-assessment';

/** Every version of the scoring policy: v1 (the contract's, since always) and each ScoringPolicyPublished, in version order. */
export async function scoringPolicyVersions(db: Queryable, schema?: string): Promise<{ versions: PublishedPolicy[]; streamVersion: number }> {
  const table = schema ? `"${schema}".events` : 'events';
  const rows: Array<{ data: ScoringPolicy; occurred_at: Date; stream_position: string }> = await db.query(
    `SELECT data, occurred_at, stream_position FROM ${table} WHERE stream_id = $1 AND type = 'ScoringPolicyPublished' ORDER BY stream_position`,
    [SCORING_POLICY_STREAM],
  );
  const versions: PublishedPolicy[] = [{ policy: SCORING_POLICY_V1, publishedAt: null }];
  for (const r of rows) versions.push({ policy: r.data, publishedAt: new Date(r.occurred_at).toISOString() });
  return { versions, streamVersion: rows.length ? Number(rows[rows.length - 1].stream_position) : 0 };
}

/**
 * The latest published version of the scoring policy (whatever period it applies from), else the
 * contract's v1. A period is scored by {@link policyFor}; this is for tools comparing two
 * projections under one policy (the rebuild).
 */
export async function currentScoringPolicy(db: Queryable): Promise<ScoringPolicy> {
  const { versions } = await scoringPolicyVersions(db);
  const policy = versions[versions.length - 1].policy;
  return { ...policy, minimumSample: minimumSampleOf(policy) }; // versions published before minimumSample existed: the default
}

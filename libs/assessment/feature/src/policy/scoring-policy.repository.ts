import type { Queryable } from '@chuishao/event-store';
import { minimumSampleOf, SCORING_POLICY_V1, type ScoringPolicy } from '@chuishao/assessment-domain';

export const SCORING_POLICY_STREAM = 'policy-assessment';

/**
 * The scoring policy in force: the latest ScoringPolicyPublished of `policy-assessment`, else the
 * contract's v1. (Publishing new versions over HTTP is not offered yet: see docs/assessment.md.)
 */
export async function currentScoringPolicy(db: Queryable): Promise<ScoringPolicy> {
  const rows: Array<{ data: ScoringPolicy }> = await db.query(
    `SELECT data FROM events WHERE stream_id = $1 AND type = 'ScoringPolicyPublished' ORDER BY stream_position DESC LIMIT 1`,
    [SCORING_POLICY_STREAM],
  );
  const policy = rows[0]?.data ?? SCORING_POLICY_V1;
  return { ...policy, minimumSample: minimumSampleOf(policy) }; // versions published before minimumSample existed: the default
}

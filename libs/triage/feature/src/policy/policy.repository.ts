import { Injectable } from '@nestjs/common';
import { EventStore, type Queryable } from '@chuishao/event-store';
import { DEFAULT_TRIAGE_POLICY, type TriagePolicy } from '@chuishao/triage-domain';

export const POLICY_STREAM = 'policy-triage';

/** The triage policy in force: the latest TriagePolicyPublished of the policy stream, else the contract's v1. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly store: EventStore) {}

  async current(db: Queryable): Promise<{ policy: TriagePolicy; streamVersion: number }> {
    const rows: Array<{ data: TriagePolicy; stream_position: string }> = await db.query(
      `SELECT data, stream_position FROM events WHERE stream_id = $1 ORDER BY stream_position DESC LIMIT 1`,
      [POLICY_STREAM],
    );
    if (rows.length === 0) return { policy: DEFAULT_TRIAGE_POLICY, streamVersion: 0 };
    return { policy: rows[0].data, streamVersion: Number(rows[0].stream_position) };
  }
}

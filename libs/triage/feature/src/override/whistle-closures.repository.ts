import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';

export type Closure = 'RESOLVED' | 'WITHDRAWN';

/**
 * The whistles that are closed (confirmed or withdrawn), which the command center can no longer
 * re-grade. Recorded under the lock of the whistle's triage stream, so an override in flight
 * either commits first or sees the closure.
 */
@Injectable()
export class WhistleClosures {
  async closedAs(db: Queryable, whistleId: string): Promise<Closure | null> {
    const [row]: Array<{ status: Closure }> = await db.query(`SELECT status FROM whistle_closures WHERE whistle_id = $1`, [whistleId]);
    return row?.status ?? null;
  }

  /** Records the first closure of a whistle (later ones change nothing). Takes the stream's lock. */
  async record(db: Queryable, c: { whistleId: string; status: Closure; closedAt: Date; eventId: string }): Promise<void> {
    await db.query(`SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE`, [`whistle-${c.whistleId}`]);
    await db.query(
      `INSERT INTO whistle_closures (whistle_id, status, closed_at, event_id) VALUES ($1, $2, $3, $4) ON CONFLICT (whistle_id) DO NOTHING`,
      [c.whistleId, c.status, c.closedAt, c.eventId],
    );
  }
}

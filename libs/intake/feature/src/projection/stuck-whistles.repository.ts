import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';
import type { StuckNotice } from '@chuishao/messaging';

/**
 * `whistle_stuck`: which whistles some service's consumer has parked, and why — one row per
 * (whistle, consumer), kept from the stuck notices (contract §10) in the transaction of the notice's
 * inbox row. Read by `WhistleRepository` (a whistle's `stuck`) and the board (their count).
 */
@Injectable()
export class StuckWhistlesRepository {
  /** The consumer is no longer stuck on the whistle. */
  async clear(db: Queryable, whistleKey: string, consumer: string): Promise<void> {
    await db.query(`DELETE FROM whistle_stuck WHERE whistle_key = $1 AND consumer = $2`, [whistleKey, consumer]);
  }

  /** The consumer is stuck on the whistle: since the first notice, with the latest reason. */
  async record(db: Queryable, n: Pick<StuckNotice, 'key' | 'consumer' | 'service' | 'reason' | 'since'>): Promise<void> {
    await db.query(
      `INSERT INTO whistle_stuck (whistle_key, consumer, service, reason, since) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (whistle_key, consumer) DO UPDATE SET reason = excluded.reason`,
      [n.key, n.consumer, n.service, n.reason, n.since],
    );
  }
}

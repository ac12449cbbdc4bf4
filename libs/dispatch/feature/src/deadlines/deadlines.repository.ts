import { Injectable } from '@nestjs/common';
import type { DeadlineKind } from '@chuishao/dispatch-contracts';
import type { Queryable } from '@chuishao/postgres';

/** A PENDING deadline row, as the scheduler judges it. */
export interface DueDeadline {
  id: string;
  assignment_id: string;
  whistle_id: string;
  kind: DeadlineKind;
  due_at: Date;
}

/** How the scheduler settled a deadline. */
export type DeadlineOutcome = 'MISSED' | 'MET' | 'SKIPPED';

/**
 * The scheduler's side of the durable `deadlines` table (written with the events that set, move,
 * pause or skip deadlines by `assignments.projection.ts`): what is due, when the next falls due,
 * and one row locked, moved or settled in the transaction that judges it.
 */
@Injectable()
export class DeadlinesRepository {
  /** PENDING deadlines due at `now`, oldest first, at most `limit`. */
  async due(db: Queryable, now: Date, limit: number): Promise<DueDeadline[]> {
    return db.query(
      `SELECT id, assignment_id, whistle_id, kind, due_at FROM deadlines
            WHERE state = 'PENDING' AND due_at <= $1 ORDER BY due_at, id LIMIT $2`,
      [now, limit],
    );
  }

  /** When the nearest PENDING deadline falls due (null: none). */
  async nextDue(db: Queryable): Promise<Date | null> {
    const [{ next }]: Array<{ next: Date | null }> = await db.query(`SELECT min(due_at) AS next FROM deadlines WHERE state = 'PENDING'`);
    return next;
  }

  /** The deadline locked for judging in `em`'s transaction — undefined if no longer PENDING or locked by another judge (SKIP LOCKED). */
  async lockPending(em: Queryable, id: string): Promise<DueDeadline | undefined> {
    const [row]: DueDeadline[] = await em.query(
      `SELECT id, assignment_id, whistle_id, kind, due_at FROM deadlines WHERE id = $1 AND state = 'PENDING' FOR UPDATE SKIP LOCKED`,
      [id],
    );
    return row;
  }

  /** The deadline was moved later and is not due yet: it stays PENDING, due at `at`. */
  async moveLater(em: Queryable, id: string, at: string): Promise<void> {
    await em.query(`UPDATE deadlines SET due_at = $2 WHERE id = $1`, [id, at]);
  }

  /** The deadline is judged: it is no longer PENDING. */
  async settle(em: Queryable, id: string, outcome: DeadlineOutcome): Promise<void> {
    await em.query(`UPDATE deadlines SET state = $2, decided_at = now() WHERE id = $1`, [id, outcome]);
  }
}

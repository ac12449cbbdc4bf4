import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';
import type { WhistleView } from '@chuishao/intake-domain';

/** Recent public whistles by street and community and their board colour (Beichen's board). */
export interface ProgressRow {
  street_id: string;
  community_id: string | null;
  done: number;
  late: number;
  open: number;
  withdrawn: number;
}

export interface BoardRow {
  id: string;
  street_id: string;
  status: string;
  level: string | null;
  next_deadline: Date;
  doc: WhistleView;
}

/** The board's queries on the read model: the command center's board and the public one (contract §13). */
@Injectable()
export class BoardRepository {
  /**
   * Counts for the command center's board: whistles by (status, level) — one index-only scan of
   * whistle_view_status_idx — and open ones whose nearest unmet deadline has passed.
   */
  async boardCounts(db: Queryable): Promise<{ byStatusAndLevel: Array<{ status: string; level: string | null; n: string }>; overdue: string; stuck: string }> {
    const byStatusAndLevel: Array<{ status: string; level: string | null; n: string }> = await db.query(
      `SELECT status, level, count(*) AS n FROM whistle_view GROUP BY status, level`,
    );
    const [{ n }]: Array<{ n: string }> = await db.query(
      `SELECT count(*) AS n FROM whistle_view WHERE status NOT IN ('RESOLVED', 'WITHDRAWN') AND next_deadline < now()`,
    );
    const [{ stuck }]: Array<{ stuck: string }> = await db.query(`SELECT count(DISTINCT whistle_key) AS stuck FROM whistle_stuck`);
    return { byStatusAndLevel, overdue: n, stuck };
  }

  /**
   * The public board's counts (contract §13): public (triaged) whistles by (status, level); the
   * open ones by level are those not RESOLVED or WITHDRAWN.
   */
  async publicCounts(db: Queryable): Promise<Array<{ status: string; level: string; n: number }>> {
    return db.query(`SELECT status, level, count(*)::int AS n FROM whistle_view WHERE level IS NOT NULL GROUP BY status, level`);
  }

  /**
   * The green/yellow/red progress of the public whistles blown since `since`, by street and
   * community — the SQL twin of `publicProgress` (intake-domain): done = COMPLETED or RESOLVED;
   * late = open with a passed unmet deadline or a recorded missed one of an open assignment.
   */
  async publicProgress(db: Queryable, since: Date): Promise<ProgressRow[]> {
    return db.query(
      `SELECT street_id::text AS street_id, doc->'location'->>'communityId' AS community_id,
              count(*) FILTER (WHERE status IN ('COMPLETED', 'RESOLVED'))::int AS done,
              count(*) FILTER (WHERE status NOT IN ('COMPLETED', 'RESOLVED', 'WITHDRAWN') AND (next_deadline < now() OR jsonb_path_exists(doc,
                '$.assignments[*] ? (@.overdue.size() > 0 && (@.status == "SUMMONED" || @.status == "REPORTED" || @.status == "ARRIVED" || @.status == "IN_PROGRESS" || @.status == "DISPUTED"))')))::int AS late,
              count(*) FILTER (WHERE status NOT IN ('COMPLETED', 'RESOLVED', 'WITHDRAWN'))::int AS open,
              count(*) FILTER (WHERE status = 'WITHDRAWN')::int AS withdrawn
         FROM whistle_view WHERE level IS NOT NULL AND created_at >= $1::timestamptz
        GROUP BY 1, 2`,
      [since.toISOString()],
    );
  }

  /** Open whistles with a deadline still to meet, the nearest (or most overdue) first. */
  async nearestDeadlines(db: Queryable, limit: number): Promise<BoardRow[]> {
    return db.query(
      `SELECT id, street_id, status, level, next_deadline, doc FROM whistle_view
        WHERE status NOT IN ('RESOLVED', 'WITHDRAWN') AND next_deadline IS NOT NULL
        ORDER BY next_deadline, id LIMIT $1`,
      [limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';
import type { Deduction } from '@chuishao/assessment-contracts';

/** A street's rating of a department for a period: one revision (a revised rating keeps every revision). */
export interface StreetRatingRow {
  street_id: string;
  department_id: string;
  period: string;
  revision: number;
  score: number;
  deductions: Deduction[];
  comment: string | null;
  rated_at: Date;
  event_id: string;
}

/** Reads of `street_ratings` (written by own-events.projection.ts with the StreetRated events). */
@Injectable()
export class StreetRatingsRepository {
  /** The latest revision of each (street, department) rating of a period, with how many revisions it has; of one street, or of all (null). */
  async latest(db: Queryable, period: string, streetId: string | null): Promise<Array<StreetRatingRow & { revisions: number }>> {
    return db.query(
      `SELECT DISTINCT ON (street_id, department_id) r.*, count(*) OVER (PARTITION BY street_id, department_id)::int AS revisions
         FROM street_ratings r WHERE period = $1 AND ($2::uuid IS NULL OR street_id = $2::uuid)
        ORDER BY street_id, department_id, revision DESC`,
      [period, streetId],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';

/** What dispatch's stream already holds of the department replies (their events carry the department's replyId). */
@Injectable()
export class RepliesRepository {
  /** The event a department's replyId was first recorded as (its type and assignment), or undefined if never used. */
  async priorUse(db: Queryable, replyId: string, departmentId: string): Promise<{ type: string; assignmentId: string } | undefined> {
    const [prior]: Array<{ type: string; assignment_id: string }> = await db.query(
      `SELECT type, data->>'assignmentId' AS assignment_id FROM events
        WHERE data ? 'replyId' AND data->>'replyId' = $1 AND data->>'departmentId' = $2 LIMIT 1`,
      [replyId, departmentId],
    );
    return prior ? { type: prior.type, assignmentId: prior.assignment_id } : undefined;
  }
}

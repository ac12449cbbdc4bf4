import { Injectable } from '@nestjs/common';
import type { OpenDeadline } from './deadline-notices';
import type { Queryable } from '@chuishao/postgres';

/** Assignment states in which the department still has to act (a dispute waits on the center). */
const OPEN = `('SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS')`;

/** Counts shown as badges: a department's own, or the district's (command center, offices, admin). */
export type AlertCounts = { needingAction: number } | { overdue: number; disputed: number; extensionsPending: number };

/** What the alerts stream reads from dispatch's own tables. */
@Injectable()
export class AlertsRepository {
  async departmentCounts(db: Queryable, departmentId: string): Promise<AlertCounts> {
    const [row] = (await db.query(`SELECT count(*)::int AS n FROM assignments WHERE department_id = $1 AND status IN ${OPEN}`, [departmentId])) as Array<{ n: number }>;
    return { needingAction: row?.n ?? 0 };
  }

  async districtCounts(db: Queryable): Promise<AlertCounts> {
    const [row] = (await db.query(
      `SELECT (SELECT count(*)::int FROM assignments WHERE status IN ${OPEN} AND jsonb_array_length(overdue) > 0) AS overdue,
              (SELECT count(*)::int FROM assignments WHERE status = 'DISPUTED') AS disputed,
              (SELECT count(*)::int FROM extension_requests WHERE status = 'PENDING') AS extensions`,
    )) as Array<{ overdue: number; disputed: number; extensions: number }>;
    return { overdue: row?.overdue ?? 0, disputed: row?.disputed ?? 0, extensionsPending: row?.extensions ?? 0 };
  }

  /**
   * The department's deadlines within 30 minutes or missed in the last hour, of assignments it
   * still works on, whose step is not done yet (a reported assignment hears nothing of its report
   * deadline).
   */
  async openDeadlines(db: Queryable, departmentId: string): Promise<OpenDeadline[]> {
    const rows = (await db.query(
      `SELECT d.assignment_id, d.whistle_id, d.kind, d.due_at, b.title
         FROM deadlines d JOIN assignments a ON a.id = d.assignment_id
         LEFT JOIN whistle_briefs b ON b.whistle_id = d.whistle_id
        WHERE a.department_id = $1 AND a.status IN ${OPEN}
          AND d.state IN ('PENDING', 'MISSED')
          AND d.due_at <= now() + interval '30 minutes' AND d.due_at > now() - interval '1 hour'
          AND NOT ((d.kind = 'REPORT' AND a.reported_at IS NOT NULL) OR (d.kind = 'ARRIVE' AND a.arrived_at IS NOT NULL) OR (d.kind = 'COMPLETE' AND a.completed_at IS NOT NULL))
        ORDER BY d.due_at`,
      [departmentId],
    )) as Array<{ assignment_id: string; whistle_id: string; kind: OpenDeadline['kind']; due_at: Date; title: string | null }>;
    return rows.map((r) => ({ assignmentId: r.assignment_id, whistleId: r.whistle_id, kind: r.kind, dueAt: new Date(r.due_at), title: r.title }));
  }
}

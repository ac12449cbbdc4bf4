import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssignmentRole, Deadlines, Level } from '@chuishao/dispatch-contracts';
import type { AssignmentStatus, WhistlePhase } from '@chuishao/dispatch-domain';

interface AssignmentRow {
  id: string;
  whistle_id: string;
  department_id: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  level: Level;
  summoned_at: Date | null;
  report_by: Date | null;
  arrive_by: Date | null;
  complete_by: Date | null;
  reported_at: Date | null;
  arrived_at: Date | null;
  completed_at: Date | null;
  result: string | null;
  dispute_note: string | null;
  overdue: Array<{ kind: string; dueAt: string }>;
  updated_at: Date;
  street_id: string | null;
  situation_code: string | null;
  title: string | null;
  description: string | null;
  location: unknown;
  phase: WhistlePhase | null;
  pending: Array<{ kind: string; dueAt: string }> | null;
}

/** An assignment as GET /api/v1/assignments shows it: with its whistle's brief and its deadlines. */
export interface AssignmentResource {
  id: string;
  whistleId: string;
  departmentId: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  level: Level;
  summonedAt: string | null;
  reportedAt: string | null;
  arrivedAt: string | null;
  completedAt: string | null;
  result: string | null;
  disputeNote: string | null;
  deadlines: Deadlines | null;
  /** Deadlines still to be judged (PENDING). */
  pendingDeadlines: Array<{ kind: string; dueAt: string }>;
  overdue: Array<{ kind: string; dueAt: string }>;
  whistle: { id: string; streetId: string | null; situationCode: string | null; title: string | null; description: string | null; location: unknown; phase: WhistlePhase | null };
  updatedAt: string;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

const SELECT = `
  SELECT a.*, b.street_id, b.situation_code, b.title, b.description, b.location, b.phase,
         (SELECT jsonb_agg(jsonb_build_object('kind', d.kind, 'dueAt', to_char(d.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY d.due_at)
            FROM deadlines d WHERE d.assignment_id = a.id AND d.state = 'PENDING') AS pending
    FROM assignments a LEFT JOIN whistle_briefs b ON b.whistle_id = a.whistle_id`;

@Injectable()
export class AssignmentRepository {
  async find(db: Pick<EntityManager, 'query'>, id: string): Promise<AssignmentResource | undefined> {
    const rows: AssignmentRow[] = await db.query(`${SELECT} WHERE a.id = $1`, [id]);
    return rows[0] ? present(rows[0]) : undefined;
  }

  async list(db: Pick<EntityManager, 'query'>, q: { departmentId?: string; status?: string; limit: number }): Promise<AssignmentResource[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.departmentId) {
      params.push(q.departmentId);
      where.push(`a.department_id = $${params.length}`);
    }
    if (q.status) {
      params.push(q.status);
      where.push(`a.status = $${params.length}`);
    }
    params.push(q.limit);
    const rows: AssignmentRow[] = await db.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.summoned_at DESC NULLS LAST, a.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(present);
  }
}

function present(r: AssignmentRow): AssignmentResource {
  return {
    id: r.id,
    whistleId: r.whistle_id,
    departmentId: r.department_id,
    role: r.role,
    status: r.status,
    level: r.level,
    summonedAt: iso(r.summoned_at),
    reportedAt: iso(r.reported_at),
    arrivedAt: iso(r.arrived_at),
    completedAt: iso(r.completed_at),
    result: r.result,
    disputeNote: r.dispute_note,
    deadlines: r.report_by && r.arrive_by && r.complete_by ? { reportBy: iso(r.report_by)!, arriveBy: iso(r.arrive_by)!, completeBy: iso(r.complete_by)! } : null,
    pendingDeadlines: r.pending ?? [],
    overdue: r.overdue ?? [],
    whistle: {
      id: r.whistle_id,
      streetId: r.street_id,
      situationCode: r.situation_code,
      title: r.title,
      description: r.description,
      location: r.location,
      phase: r.phase,
    },
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

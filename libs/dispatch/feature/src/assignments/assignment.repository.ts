import type { Level, AssignmentStatus } from '@chuishao/contracts';
import { Injectable } from '@nestjs/common';
import type { AssignmentRole, Deadlines } from '@chuishao/dispatch-contracts';
import type { WhistlePhase } from '@chuishao/dispatch-domain';
import type { ExtensionResource } from '../extensions/extension-requests.repository';
import type { Queryable } from '@chuishao/postgres';

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
  extensions: ExtensionResource[] | null;
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
  /** Extension requests (延期申请), pending and decided, oldest first. */
  extensions: ExtensionResource[];
  whistle: { id: string; streetId: string | null; situationCode: string | null; title: string | null; description: string | null; location: unknown; phase: WhistlePhase | null };
  updatedAt: string;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** A timestamptz as the API's ISO text (UTC, milliseconds). */
const TIME = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const SELECT = `
  SELECT a.*, b.street_id, b.situation_code, b.title, b.description, b.location, b.phase,
         (SELECT jsonb_agg(jsonb_build_object('kind', d.kind, 'dueAt', to_char(d.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY d.due_at)
            FROM deadlines d WHERE d.assignment_id = a.id AND d.state = 'PENDING') AS pending,
         (SELECT jsonb_agg(jsonb_build_object('requestId', e.request_id, 'assignmentId', e.assignment_id, 'whistleId', e.whistle_id, 'departmentId', e.department_id,
                   'kind', e.kind, 'until', ${TIME('e.until')}, 'reason', e.reason, 'dueAt', ${TIME('e.due_at')}, 'requestedAt', ${TIME('e.requested_at')},
                   'status', e.status, 'decidedAt', ${TIME('e.decided_at')}, 'decisionReason', e.decision_reason, 'standing', e.standing) ORDER BY e.requested_at, e.request_id)
            FROM extension_requests e WHERE e.assignment_id = a.id) AS extensions
    FROM assignments a LEFT JOIN whistle_briefs b ON b.whistle_id = a.whistle_id`;

@Injectable()
export class AssignmentRepository {
  /** The whistle an assignment belongs to, or undefined for an unknown assignment. */
  async whistleOf(db: Queryable, assignmentId: string): Promise<string | undefined> {
    const rows: Array<{ whistle_id: string }> = await db.query(`SELECT whistle_id FROM assignments WHERE id = $1`, [assignmentId]);
    return rows[0]?.whistle_id;
  }

  async find(db: Queryable, id: string): Promise<AssignmentResource | undefined> {
    const rows: AssignmentRow[] = await db.query(`${SELECT} WHERE a.id = $1`, [id]);
    return rows[0] ? present(rows[0]) : undefined;
  }

  /** Newest summons first, keyset-paginated by (summoned_at, id). */
  async list(
    db: Queryable,
    q: { departmentId?: string; status?: string; whistleId?: string; after?: { summonedAt: string; id: string }; limit: number },
  ): Promise<{ items: AssignmentResource[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, ...values: unknown[]) => {
      const base = params.length;
      params.push(...values);
      where.push(sql(base + 1));
    };
    if (q.departmentId) add((n) => `a.department_id = $${n}`, q.departmentId);
    if (q.status) add((n) => `a.status = $${n}`, q.status);
    if (q.whistleId) add((n) => `a.whistle_id = $${n}`, q.whistleId);
    if (q.after) add((n) => `(a.summoned_at, a.id) < ($${n}::timestamptz, $${n + 1}::uuid)`, q.after.summonedAt, q.after.id);
    params.push(q.limit + 1);
    const rows: AssignmentRow[] = await db.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.summoned_at DESC, a.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, q.limit).map(present);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > q.limit && last?.summonedAt ? Buffer.from(JSON.stringify([last.summonedAt, last.id])).toString('base64url') : null,
    };
  }
}

/** The keyset of an opaque cursor, or undefined when it is not one of ours. */
export function parseAssignmentCursor(cursor: string): { summonedAt: string; id: string } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/i.test(v[1])) {
      return { summonedAt: v[0], id: v[1] };
    }
  } catch {
    /* not ours */
  }
  return undefined;
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
    extensions: r.extensions ?? [],
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

import { Injectable } from '@nestjs/common';
import type { ExtensionKind } from '@chuishao/dispatch-contracts';
import type { ExtensionState, ExtensionStatus } from '@chuishao/dispatch-domain';
import type { Queryable } from '@chuishao/postgres';

/** An extension request (延期申请) as the API shows it: the decider's state with where it belongs. */
export type ExtensionResource = ExtensionState & { assignmentId: string; whistleId: string; departmentId: string };

/** A request in the command center's queue, with what is needed to decide it. */
export interface ExtensionQueueItem extends ExtensionResource {
  assignment: { role: string; status: string; level: string; summonedAt: string; approvedExtensions: number; cap: number };
  whistle: { title: string | null; streetId: string | null; situationCode: string | null };
}

interface Row {
  request_id: string;
  assignment_id: string;
  whistle_id: string;
  department_id: string;
  kind: ExtensionKind;
  until: Date;
  reason: string;
  due_at: Date;
  requested_at: Date;
  status: ExtensionStatus;
  decided_at: Date | null;
  decision_reason: string | null;
  standing: boolean;
}

const iso = (d: Date): string => new Date(d).toISOString();

function presentExtension(r: Row): ExtensionResource {
  return {
    requestId: r.request_id,
    assignmentId: r.assignment_id,
    whistleId: r.whistle_id,
    departmentId: r.department_id,
    kind: r.kind,
    until: iso(r.until),
    reason: r.reason,
    dueAt: iso(r.due_at),
    requestedAt: iso(r.requested_at),
    status: r.status,
    decidedAt: r.decided_at ? iso(r.decided_at) : null,
    decisionReason: r.decision_reason,
    standing: r.standing,
  };
}

/** Assignments still in work: a pending request of another one cannot be decided (409), so the queue leaves it out. */
const OPEN = `('SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED')`;

/** Reads of `extension_requests` (written by DispatchStreams with the events). */
@Injectable()
export class ExtensionRequestRepository {
  async find(db: Queryable, requestId: string): Promise<ExtensionResource | undefined> {
    const [row]: Row[] = await db.query(`SELECT * FROM extension_requests WHERE request_id = $1`, [requestId]);
    return row ? presentExtension(row) : undefined;
  }

  async ofAssignment(db: Queryable, assignmentId: string): Promise<ExtensionResource[]> {
    const rows: Row[] = await db.query(`SELECT * FROM extension_requests WHERE assignment_id = $1 ORDER BY requested_at, request_id`, [assignmentId]);
    return rows.map(presentExtension);
  }

  /**
   * The queue, oldest request first: by status (PENDING: only those of assignments still in work),
   * optionally one department's. At most `limit` (the queue of a district is short; no cursor).
   * Each item names its assignment's cap (`capOf` its summons time).
   */
  async list(
    db: Queryable,
    q: { status?: ExtensionStatus; departmentId?: string; limit: number },
    capOf: (summonedAt: string) => number,
  ): Promise<ExtensionQueueItem[]> {
    const rows: Array<Row & { role: string; a_status: string; level: string; summoned_at: Date; approved: number; title: string | null; street_id: string | null; situation_code: string | null }> = await db.query(
      `SELECT e.*, a.role, a.status AS a_status, a.level, a.summoned_at, b.title, b.street_id, b.situation_code,
              (SELECT count(*)::int FROM extension_requests x WHERE x.assignment_id = e.assignment_id AND x.status = 'APPROVED') AS approved
         FROM extension_requests e
         JOIN assignments a ON a.id = e.assignment_id
         LEFT JOIN whistle_briefs b ON b.whistle_id = e.whistle_id
        WHERE ($1::text IS NULL OR e.status = $1)
          AND ($1::text IS DISTINCT FROM 'PENDING' OR a.status IN ${OPEN})
          AND ($2::uuid IS NULL OR e.department_id = $2)
        ORDER BY e.requested_at, e.request_id
        LIMIT $3`,
      [q.status ?? null, q.departmentId ?? null, q.limit],
    );
    return rows.map((r) => ({
      ...presentExtension(r),
      assignment: { role: r.role, status: r.a_status, level: r.level, summonedAt: iso(r.summoned_at), approvedExtensions: r.approved, cap: capOf(iso(r.summoned_at)) },
      whistle: { title: r.title, streetId: r.street_id, situationCode: r.situation_code },
    }));
  }
}

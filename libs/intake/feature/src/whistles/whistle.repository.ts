import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/event-store';
import type { WhistleView } from '@chuishao/intake-domain';

export interface LedgerRow {
  whistle_id: string;
  position: number;
  event_id: string;
  type: string;
  occurred_at: Date;
  actor: { role: string; org?: string | null; sub: string };
  data: unknown;
  source: string;
  prev_hash: string;
  hash: string;
}

/** The read side of intake: the whistle view (contract §2 read model) and the merged audit ledger. */
@Injectable()
export class WhistleRepository {
  async find(db: Queryable, id: string, lock = false): Promise<WhistleView | undefined> {
    const rows: Array<{ doc: WhistleView }> = await db.query(`SELECT doc FROM whistle_view WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0]?.doc;
  }

  async save(db: Queryable, view: WhistleView): Promise<void> {
    await db.query(
      `INSERT INTO whistle_view (id, street_id, situation_code, area, status, level, department_ids, created_at, updated_at, next_deadline, doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, level = EXCLUDED.level, department_ids = EXCLUDED.department_ids,
         updated_at = EXCLUDED.updated_at, next_deadline = EXCLUDED.next_deadline, doc = EXCLUDED.doc`,
      [
        view.id,
        view.streetId,
        view.situationCode,
        view.area,
        view.status,
        view.level,
        [...new Set(view.assignments.map((a) => a.departmentId))],
        view.createdAt,
        view.updatedAt,
        nextDeadline(view),
        JSON.stringify(view),
      ],
    );
  }

  async ledger(db: Queryable, whistleId: string): Promise<LedgerRow[]> {
    return db.query(`SELECT * FROM whistle_ledger WHERE whistle_id = $1 ORDER BY position`, [whistleId]);
  }

  async ledgerHead(db: Queryable, whistleId: string): Promise<{ position: number; hash: string } | undefined> {
    const rows: Array<{ position: number; hash: string }> = await db.query(
      `SELECT position, hash FROM whistle_ledger WHERE whistle_id = $1 ORDER BY position DESC LIMIT 1`,
      [whistleId],
    );
    return rows[0];
  }

  async appendLedger(db: Queryable, row: LedgerRow): Promise<void> {
    await db.query(
      `INSERT INTO whistle_ledger (whistle_id, position, event_id, type, occurred_at, actor, data, source, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [row.whistle_id, row.position, row.event_id, row.type, row.occurred_at, JSON.stringify(row.actor), JSON.stringify(row.data), row.source, row.prev_hash, row.hash],
    );
  }
}

const OPEN = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];
/** The nearest deadline still ahead of an open assignment, for the command center's board. */
function nextDeadline(view: WhistleView): string | null {
  if (['RESOLVED', 'WITHDRAWN', 'COMPLETED'].includes(view.status)) return null;
  const all: string[] = [];
  for (const a of view.assignments) {
    if (!OPEN.includes(a.status)) continue;
    if (!a.reportedAt) all.push(a.deadlines.reportBy);
    if (!a.arrivedAt) all.push(a.deadlines.arriveBy);
    all.push(a.deadlines.completeBy);
  }
  return all.sort()[0] ?? null;
}

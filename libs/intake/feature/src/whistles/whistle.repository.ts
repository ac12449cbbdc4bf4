import { Injectable } from '@nestjs/common';
import { inWrittenStreams } from '@chuishao/event-store';
import { insertRows, runTogether, type ColumnSpec, type Companion, type Queryable } from '@chuishao/postgres';
import { whistleStreamIdSql } from '@chuishao/contracts';
import { nextDeadline, type WhistleView } from '@chuishao/intake-domain';
import type { CursorPosition } from './cursor';

export interface WhistleFilter {
  statuses?: string[];
  levels?: string[];
  streetId?: string;
  departmentId?: string;
  situationCodes?: string[];
  ids?: string[];
  /** created_at ≥ from */
  from?: string;
  /** created_at < to */
  to?: string;
  after?: CursorPosition;
  /** Public whistles only (contract §13): triaged, i.e. with a level. */
  publicOnly?: boolean;
  limit: number;
}

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

const VIEW_COLUMNS: ColumnSpec[] = [
  ['id', 'uuid'],
  ['street_id', 'uuid'],
  ['situation_code', 'text'],
  ['area', 'text'],
  ['status', 'text'],
  ['level', 'text'],
  ['department_ids', 'uuid[]'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['next_deadline', 'timestamptz'],
  ['doc', 'jsonb'],
];
const KEY_COLUMNS: ColumnSpec[] = [
  ['street_id', 'uuid'],
  ['key', 'text'],
  ['request_hash', 'char(64)'],
  ['whistle_id', 'uuid'],
];
const LEDGER_COLUMNS: ColumnSpec[] = [
  ['whistle_id', 'uuid'],
  ['position', 'int'],
  ['event_id', 'uuid'],
  ['type', 'text'],
  ['occurred_at', 'timestamptz'],
  ['actor', 'jsonb'],
  ['data', 'jsonb'],
  ['source', 'text'],
  ['prev_hash', 'char(64)'],
  ['hash', 'char(64)'],
];

/** The read side of intake: the whistle view (contract §2 read model) and the merged audit ledger. */
@Injectable()
export class WhistleRepository {
  /**
   * The claim of Idempotency-Keys as the gate of a blow batch's append (see
   * EventStore.appendNewStreams): its rows are the streams of the whistles whose key was free.
   * Rows go in (street, key) order so concurrent batches lock keys in one order.
   */
  claimKeys(claims: ReadonlyArray<{ streetId: string; key: string; requestHash: string; whistleId: string }>): Companion {
    const order = (c: { streetId: string; key: string }) => `${c.streetId}\u0000${c.key}`;
    const sorted = [...claims].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    return (first) => {
      const values = insertRows('idempotency_keys', sorted.map((c) => [c.streetId, c.key, c.requestHash, c.whistleId]), KEY_COLUMNS, first);
      return {
        sql: `${values.sql}
              ON CONFLICT DO NOTHING RETURNING ${whistleStreamIdSql('whistle_id')} AS stream_id`,
        params: values.params,
      };
    };
  }

  /** Who holds an Idempotency-Key already: the request it was used with and its whistle. */
  async keyHolder(db: Queryable, streetId: string, key: string): Promise<{ requestHash: string; whistleId: string }> {
    const [row]: Array<{ request_hash: string; whistle_id: string }> = await db.query(
      `SELECT request_hash, whistle_id FROM idempotency_keys WHERE street_id = $1 AND key = $2`,
      [streetId, key],
    );
    return { requestHash: row.request_hash, whistleId: row.whistle_id };
  }

  async find(db: Queryable, id: string, lock = false): Promise<WhistleView | undefined> {
    const rows: Array<{ doc: WhistleView }> = await db.query(`SELECT doc FROM whistle_view WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0]?.doc;
  }

  /** What the services' consumers have parked of this whistle (contract §10), oldest first. */
  async stuck(db: Queryable, id: string): Promise<Array<{ service: string; reason: string; since: string }>> {
    const rows: Array<{ service: string; reason: string; since: Date }> = await db.query(
      `SELECT service, reason, since FROM whistle_stuck WHERE whistle_key = $1 ORDER BY since, consumer`,
      [id],
    );
    return rows.map((r) => ({ service: r.service, reason: r.reason, since: new Date(r.since).toISOString() }));
  }

  async save(db: Queryable, view: WhistleView): Promise<void> {
    await this.saveMany(db, [view]);
  }

  /** Upserts read models, one statement for all (at most one view per whistle id). */
  async saveMany(db: Queryable, views: readonly WhistleView[]): Promise<void> {
    await runTogether(db, [this.upsertViews(views)]);
  }

  /**
   * The upsert of these read models (at most one view per whistle id), to run alone or with others.
   * `onlyWritten`: as a companion of a gated append, only the views whose whistle stream it wrote.
   */
  upsertViews(views: readonly WhistleView[], onlyWritten = false): Companion | undefined {
    if (views.length === 0) return undefined;
    return (first) => {
      const values = insertRows(
        'whistle_view',
        views.map((view) => [
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
        ]),
        VIEW_COLUMNS,
        first,
        { where: inWrittenStreams(whistleStreamIdSql('v.id'), onlyWritten) },
      );
      return {
        sql: `${values.sql}
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, level = EXCLUDED.level, department_ids = EXCLUDED.department_ids,
           updated_at = EXCLUDED.updated_at, next_deadline = EXCLUDED.next_deadline, doc = EXCLUDED.doc`,
        params: values.params,
      };
    };
  }

  /** Newest first, keyset-paginated on (created_at, id); returns up to `limit` views and each one's cursor. */
  async list(db: Queryable, f: WhistleFilter): Promise<Array<{ view: WhistleView; position: CursorPosition }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.statuses?.length) where.push(`status = ANY(${p(f.statuses)}::text[])`);
    if (f.levels?.length) where.push(`level = ANY(${p(f.levels)}::text[])`);
    if (f.streetId) where.push(`street_id = ${p(f.streetId)}::uuid`);
    if (f.departmentId) where.push(`department_ids @> ARRAY[${p(f.departmentId)}::uuid]`);
    if (f.situationCodes?.length) where.push(`situation_code = ANY(${p(f.situationCodes)}::text[])`);
    if (f.ids) where.push(`id = ANY(${p(f.ids)}::uuid[])`);
    if (f.from) where.push(`created_at >= ${p(f.from)}::timestamptz`);
    if (f.to) where.push(`created_at < ${p(f.to)}::timestamptz`);
    if (f.publicOnly) where.push(`level IS NOT NULL`);
    if (f.after) where.push(`(created_at, id) < (${p(f.after.at)}::timestamptz, ${p(f.after.id)}::uuid)`);
    const rows: Array<{ doc: WhistleView; at: string; id: string }> = await db.query(
      `SELECT doc, id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
         FROM whistle_view ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ${p(f.limit)}`,
      params,
    );
    return rows.map((r) => ({ view: r.doc, position: { at: r.at, id: r.id } }));
  }

  async ledger(db: Queryable, whistleId: string): Promise<LedgerRow[]> {
    return db.query(`SELECT * FROM whistle_ledger WHERE whistle_id = $1 ORDER BY position`, [whistleId]);
  }

  /**
   * For the projector, in one round trip: each whistle's view, locked (FOR UPDATE) when it
   * exists, and the head of its ledger.
   */
  async viewsAndLedgerHeads(
    db: Queryable,
    whistleIds: readonly string[],
  ): Promise<Map<string, { view?: WhistleView; head?: { position: number; hash: string } }>> {
    const rows: Array<{ id: string; doc: WhistleView | null; position: number | null; hash: string | null }> = await db.query(
      `SELECT k.id::text AS id, v.doc, h.position, h.hash
         FROM unnest($1::uuid[]) AS k(id)
         LEFT JOIN LATERAL (SELECT doc FROM whistle_view WHERE id = k.id FOR UPDATE) v ON true
         LEFT JOIN LATERAL (SELECT position, hash FROM whistle_ledger WHERE whistle_id = k.id ORDER BY position DESC LIMIT 1) h ON true`,
      [whistleIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { view: r.doc ?? undefined, head: r.position !== null && r.hash !== null ? { position: r.position, hash: r.hash } : undefined },
      ]),
    );
  }

  /** The insert of these ledger rows, one statement for all, to run alone or with others. */
  insertLedger(rows: readonly LedgerRow[]): Companion | undefined {
    if (rows.length === 0) return undefined;
    return (first) => {
      const values = insertRows(
        'whistle_ledger',
        rows.map((row) => [row.whistle_id, row.position, row.event_id, row.type, row.occurred_at, JSON.stringify(row.actor), JSON.stringify(row.data), row.source, row.prev_hash, row.hash]),
        LEDGER_COLUMNS,
        first,
      );
      return values;
    };
  }
}

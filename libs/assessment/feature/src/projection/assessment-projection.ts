import { insertRows, renumbered, runTogether, type ColumnSpec, type Queryable } from '@chuishao/postgres';
import {
  ANALYTICS_EVENT_TYPES,
  COUNT_COLUMNS,
  DEFAULT_TZ,
  SCORING_EVENT_TYPES,
  applyFact,
  emptyAnalytics,
  emptyWhistle,
  evolveAnalytics,
  factFromEvent,
  keyIso,
  type AnalyticsState,
  type CountColumn,
  type CountDelta,
  type LostMark,
  type WhistleState,
} from '@chuishao/assessment-domain';

/** A whistle event as the projection needs it (a bus envelope, or a row of assessment_inbox_log). */
export interface ProjectableEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  whistleId: string | null;
  data: unknown;
}

export const PROJECTED_TYPES: ReadonlySet<string> = new Set<string>([...SCORING_EVENT_TYPES, ...ANALYTICS_EVENT_TYPES]);

/** The tables a rebuild recreates (street_ratings and closed_periods come from this service's own events). */
export const WHISTLE_PROJECTION_TABLES = ['whistle_scoring_state', 'assignment_facts', 'whistle_facts', 'score_deltas', 'score_deltas_daily', 'lost_point_marks'] as const;
export const OWN_PROJECTION_TABLES = ['street_ratings', 'closed_periods', 'appeals'] as const;

export interface ProjectionTarget {
  /** Schema of the projection tables; undefined = the connection's search_path (the live schema). */
  schema?: string;
  /** District time zone: months of summons are bucketed in it (changing it needs a rebuild). */
  tz?: string;
  /** Append the events to assessment_inbox_log (live projection: yes; a rebuild reading the log: no). */
  log: boolean;
}

const LOG_COLUMNS: ColumnSpec[] = [
  ['event_id', 'uuid'],
  ['type', 'text'],
  ['whistle_id', 'uuid'],
  ['occurred_at', 'timestamptz'],
  ['envelope', 'jsonb'],
];
const STATE_COLUMNS: ColumnSpec[] = [
  ['whistle_id', 'uuid'],
  ['state', 'jsonb'],
];
const MARK_COLUMNS: ColumnSpec[] = [
  ['month', 'text'],
  ['at', 'timestamptz'],
  ['department_id', 'uuid'],
  ['sign', 'smallint'],
  ['kind', 'text'],
  ['item_key', 'text'],
  ['whistle_id', 'uuid'],
  ['detail', 'jsonb'],
];

interface StoredState {
  scoring: WhistleState;
  analytics: AnalyticsState;
}

const SAFE = /^[a-z_][a-z0-9_]{0,62}$/;
export function tableNamer(schema?: string): (name: string) => string {
  if (schema !== undefined && !SAFE.test(schema)) throw new Error(`unsafe schema name ${schema}`);
  return (name) => (schema ? `"${schema}".${name}` : name);
}

const COLUMN_SQL: Record<CountColumn, string> = {
  onTime: 'on_time',
  late: 'late',
  missed: 'missed',
  excluded: 'excluded',
  satisfied: 'satisfied',
  basicallySatisfied: 'basically_satisfied',
  dissatisfied: 'dissatisfied',
};
export const COUNT_SQL_COLUMNS = COUNT_COLUMNS.map((c) => COLUMN_SQL[c]);

const whistleIdOf = (e: ProjectableEvent): string | null =>
  e.whistleId ?? ((e.data as { whistleId?: unknown } | null)?.whistleId as string | undefined) ?? null;

/**
 * Folds whistle events into the projection: loads the projector state of the whistles concerned
 * (unless cached from an earlier batch), folds the events in memory with the pure domain code, and
 * on `flush` writes every table with one statement each. The live consumer uses one projector per
 * event inside `processOnce`; a rebuild keeps one across batches and flushes every few thousand
 * events — the same code, so the same rows.
 */
export class WhistleProjector {
  private readonly states = new Map<string, StoredState>();
  private readonly dirty = new Set<string>();
  private deltas: CountDelta[] = [];
  private marks: LostMark[] = [];
  private readonly t: (name: string) => string;
  private readonly tz: string;

  constructor(private readonly target: ProjectionTarget) {
    this.t = tableNamer(target.schema);
    this.tz = target.tz ?? DEFAULT_TZ;
  }

  /** Whistles whose state is held in memory. */
  get cached(): number {
    return this.states.size;
  }

  /** Applies events in order (logging them first when the target says so); returns how many were relevant. */
  async apply(db: Queryable, events: readonly ProjectableEvent[]): Promise<number> {
    const t = this.t;
    const relevant = events.filter((e) => PROJECTED_TYPES.has(e.type) && whistleIdOf(e));
    if (relevant.length === 0) return 0;
    const log = this.target.log
      ? insertRows(t('assessment_inbox_log'), relevant.map((e) => [e.eventId, e.type, whistleIdOf(e), e.occurredAt, JSON.stringify(e)]), LOG_COLUMNS, 2)
      : undefined;
    // the log rows written and the missing states read in one statement (different tables)
    const logged = log ? `WITH logged AS (${log.sql} ON CONFLICT (event_id) DO NOTHING) ` : '';
    const missing = [...new Set(relevant.map((e) => whistleIdOf(e) as string))].filter((id) => !this.states.has(id));
    if (missing.length || log) {
      const loaded: Array<{ whistle_id: string; state: StoredState }> = await db.query(
        `${logged}SELECT whistle_id::text AS whistle_id, state FROM ${t('whistle_scoring_state')} WHERE whistle_id = ANY($1::uuid[])`,
        [missing, ...(log?.params ?? [])],
      );
      for (const r of loaded) this.states.set(r.whistle_id, r.state);
    }
    for (const e of relevant) {
      const id = whistleIdOf(e) as string;
      let s = this.states.get(id);
      if (!s) this.states.set(id, (s = { scoring: emptyWhistle(id), analytics: emptyAnalytics() }));
      const fact = factFromEvent(e);
      if (fact) {
        const out = applyFact(s.scoring, fact, this.tz);
        for (const d of out.deltas) this.deltas.push(d);
        for (const m of out.marks) this.marks.push(m);
      }
      evolveAnalytics(s.analytics, e);
      this.dirty.add(id);
    }
    return relevant.length;
  }

  /** Writes what was applied since the last flush, in one statement. */
  async flush(db: Queryable): Promise<void> {
    const statements = await this.prepareFlush();
    await runTogether(db, statements.map((st) => renumbered(st.sql, st.params)));
  }

  /** The statements of a flush (each numbered from $1), written to `db`; forgets what they carry. */
  private async write(db: Queryable): Promise<void> {
    const t = this.t;
    const ids = [...this.dirty];
    if (ids.length) {
      const rows = insertRows(t('whistle_scoring_state'), ids.map((w) => [w, JSON.stringify(this.states.get(w))]), STATE_COLUMNS, 1);
      await db.query(`${rows.sql} ON CONFLICT (whistle_id) DO UPDATE SET state = EXCLUDED.state`, rows.params);
      const states = ids.map((id) => this.states.get(id) as StoredState);
      await writeAssignmentFacts(db, t, states);
      await writeWhistleFacts(db, t, ids, states.map((s) => s.analytics));
    }
    await writeDeltas(db, t, this.deltas, this.marks);
    await writeMarks(db, t, this.marks);
    this.dirty.clear();
    this.deltas = [];
    this.marks = [];
  }

  /**
   * What `flush` would write, as statements with their parameters built now (a snapshot: the
   * projector may go on applying while they run on another connection).
   */
  async prepareFlush(): Promise<Array<{ sql: string; params: unknown[] }>> {
    const statements: Array<{ sql: string; params: unknown[] }> = [];
    const recorder = {
      query: async (sql: string, params: unknown[] = []) => {
        statements.push({ sql, params });
        return [];
      },
    } as unknown as Queryable;
    await this.write(recorder);
    return statements;
  }

  /** Forgets the cached states (after a flush, to bound memory). */
  forget(): void {
    if (this.dirty.size) throw new Error('flush before forgetting');
    this.states.clear();
  }
}

/** Projects a batch of whistle events in the caller's transaction (see {@link WhistleProjector}). */
export async function projectWhistleEvents(db: Queryable, events: readonly ProjectableEvent[], target: ProjectionTarget): Promise<number> {
  const projector = new WhistleProjector(target);
  const n = await projector.apply(db, events);
  if (n) await projector.flush(db);
  return n;
}

async function writeAssignmentFacts(db: Queryable, t: (n: string) => string, states: StoredState[]): Promise<void> {
  const cols: unknown[][] = Array.from({ length: 13 }, () => []);
  for (const s of states) {
    for (const a of s.scoring.assignments) {
      const an = s.analytics.assignments[a.assignmentId];
      [a.assignmentId, a.whistleId, a.departmentId, a.role, a.summonedAt, a.completeBy, a.month, a.completedAt, a.excluded, an?.reportedAt ?? null, an?.arrivedAt ?? null, an?.completedAt ?? null, an?.overdue ?? false].forEach((v, i) =>
        cols[i].push(v),
      );
    }
  }
  if (cols[0].length === 0) return;
  await db.query(
    `INSERT INTO ${t('assignment_facts')} (assignment_id, whistle_id, department_id, role, summoned_at, complete_by, month, completed_at, excluded, reported_at, arrived_at, last_completed_at, overdue)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::timestamptz[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::boolean[])
     ON CONFLICT (assignment_id) DO UPDATE SET complete_by = EXCLUDED.complete_by, month = EXCLUDED.month, completed_at = EXCLUDED.completed_at, excluded = EXCLUDED.excluded,
       reported_at = EXCLUDED.reported_at, arrived_at = EXCLUDED.arrived_at, last_completed_at = EXCLUDED.last_completed_at, overdue = EXCLUDED.overdue`,
    cols,
  );
}

async function writeWhistleFacts(db: Queryable, t: (n: string) => string, ids: string[], states: AnalyticsState[]): Promise<void> {
  const w = states.map((s) => s.whistle);
  await db.query(
    `INSERT INTO ${t('whistle_facts')} (whistle_id, street_id, situation_code, area, level, status, normalised_address, blown_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
     ON CONFLICT (whistle_id) DO UPDATE SET street_id = EXCLUDED.street_id, situation_code = EXCLUDED.situation_code, area = EXCLUDED.area, level = EXCLUDED.level,
       status = EXCLUDED.status, normalised_address = EXCLUDED.normalised_address, blown_at = EXCLUDED.blown_at`,
    [ids, w.map((x) => x.streetId), w.map((x) => x.situationCode), w.map((x) => x.area), w.map((x) => x.level), w.map((x) => x.status), w.map((x) => x.normalisedAddress), w.map((x) => x.blownAt)],
  );
}

type Counts = Record<CountColumn, number>;
const zeroCounts = (): Counts => ({ onTime: 0, late: 0, missed: 0, excluded: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 });

/**
 * Writes the exact deltas and the per-(month, UTC day, department) roll-up. Every roll-up row that
 * a delta or a lost-point mark of this batch falls in is upserted — even when its counts net to
 * zero — and its `version` goes up by one: Σ version over a period's months and the days up to
 * asOf is the scorecard watermark (ADR 0008), so any write that could change an answer as of asOf
 * changes it, without a lock beyond the roll-up rows this transaction writes anyway.
 */
async function writeDeltas(db: Queryable, t: (n: string) => string, deltas: CountDelta[], marks: LostMark[]): Promise<void> {
  if (deltas.length === 0 && marks.length === 0) return;
  const exact = new Map<string, { departmentId: string; month: string; at: string; counts: Counts }>();
  const daily = new Map<string, { departmentId: string; month: string; day: string; counts: Counts }>();
  const dayRow = (month: string, day: string, departmentId: string) => {
    const dk = `${month}|${day}|${departmentId}`;
    let g = daily.get(dk);
    if (!g) daily.set(dk, (g = { departmentId, month, day, counts: zeroCounts() }));
    return g;
  };
  for (const d of deltas) {
    const at = keyIso(d.key);
    const k = `${d.departmentId}|${d.month}|${at}`;
    let e = exact.get(k);
    if (!e) exact.set(k, (e = { departmentId: d.departmentId, month: d.month, at, counts: zeroCounts() }));
    e.counts[d.column] += d.delta;
    dayRow(d.month, at.slice(0, 10), d.departmentId).counts[d.column] += d.delta;
  }
  for (const m of marks) dayRow(m.month, keyIso(m.key).slice(0, 10), m.departmentId);
  const nonZero = (c: Counts) => COUNT_COLUMNS.some((col) => c[col] !== 0);
  const rows = [...exact.values()].filter((r) => nonZero(r.counts));
  if (rows.length) {
    await db.query(
      `INSERT INTO ${t('score_deltas')} (department_id, month, at, ${COUNT_SQL_COLUMNS.join(', ')})
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[])`,
      [rows.map((r) => r.departmentId), rows.map((r) => r.month), rows.map((r) => r.at), ...COUNT_COLUMNS.map((c) => rows.map((r) => r.counts[c]))],
    );
  }
  // one row per (month, day, department), in key order so concurrent transactions lock in the same order
  const days = [...daily.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  await db.query(
    `INSERT INTO ${t('score_deltas_daily')} AS d (month, day, department_id, ${COUNT_SQL_COLUMNS.join(', ')})
     SELECT * FROM unnest($1::text[], $2::date[], $3::uuid[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[])
     ON CONFLICT (month, day, department_id) DO UPDATE SET ${COUNT_SQL_COLUMNS.map((c) => `${c} = d.${c} + EXCLUDED.${c}`).join(', ')}, version = d.version + 1`,
    [days.map((r) => r.month), days.map((r) => r.day), days.map((r) => r.departmentId), ...COUNT_COLUMNS.map((c) => days.map((r) => r.counts[c]))],
  );
}

async function writeMarks(db: Queryable, t: (n: string) => string, marks: LostMark[]): Promise<void> {
  if (marks.length === 0) return;
  const rows = insertRows(
    t('lost_point_marks'),
    marks.map((m) => [m.month, keyIso(m.key), m.departmentId, m.sign, m.kind, m.itemKey, m.whistleId, m.detail === null ? null : JSON.stringify(m.detail)]),
    MARK_COLUMNS,
    1,
  );
  await db.query(rows.sql, rows.params);
}

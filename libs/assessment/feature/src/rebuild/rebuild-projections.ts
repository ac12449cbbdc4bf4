import { parsePeriod, type ScoringPolicy } from '@chuishao/assessment-domain';
import type { Queryable } from '@chuishao/postgres';
import { projectWhistleEvents, WhistleProjector, tableNamer, WHISTLE_PROJECTION_TABLES, OWN_PROJECTION_TABLES, COUNT_SQL_COLUMNS, type ProjectableEvent } from '../projection/assessment-projection';
import { projectOwnEvents } from '../projection/own-events.projection';
import { buildScorecard } from '../scorecards/scorecard.reader';

/** A connection that can run statements one after another (BEGIN … COMMIT included). */
export type Connection = Queryable;

export interface RebuildProgress {
  events: number;
  total: number;
  percent: number;
  eventsPerSecond: number;
  seconds: number;
}

export interface RebuildOptions {
  /** The live schema (the service's), holding assessment_inbox_log and events. */
  liveSchema: string;
  /** Where the projection is rebuilt (dropped and recreated). */
  shadowSchema: string;
  tz: string;
  batchSize?: number;
  /** Write the projection every so many events (states stay cached in between). */
  flushEvery?: number;
  /** Forget cached states beyond this many whistles (after a flush). */
  maxCachedWhistles?: number;
  /** A second connection for reading the log (pipelining); default: the same one. */
  reader?: Connection;
  /** 'log' (default): in log order, states cached across batches; 'whistle': whistle by whistle (each state built once; an index scan). */
  order?: 'whistle' | 'log';
  onProgress?: (p: RebuildProgress) => void;
}

const ALL_PROJECTION_TABLES = [...WHISTLE_PROJECTION_TABLES, ...OWN_PROJECTION_TABLES];

/** Drops and recreates the shadow schema with empty (unlogged) copies of the projection tables (same columns, keys and indexes). */
export async function createShadowTables(db: Connection, live: string, shadow: string): Promise<void> {
  const l = tableNamer(live);
  const s = tableNamer(shadow);
  await db.query(`DROP SCHEMA IF EXISTS "${shadow}" CASCADE`);
  await db.query(`CREATE SCHEMA "${shadow}"`);
  // unlogged: a scratch copy (no WAL); --replace copies the rows into the logged live tables
  for (const table of ALL_PROJECTION_TABLES) await db.query(`CREATE UNLOGGED TABLE ${s(table)} (LIKE ${l(table)} INCLUDING ALL)`);
}

/**
 * Replays assessment_inbox_log (the durable, ordered copy of every whistle event the live
 * projection applied) into the shadow schema, batch by batch, from `afterSeq` to the log's end as
 * it is when called; then this service's own events (ratings, closings). Returns the last seq.
 */
export async function replayLog(db: Connection, opts: RebuildOptions, afterSeq = 0, done = 0): Promise<{ lastSeq: number; events: number; seconds: number }> {
  const l = tableNamer(opts.liveSchema);
  const batch = opts.batchSize ?? 5000;
  // A clean cut: SHARE waits for the transactions writing the log to commit (a seq is taken inside
  // them), so no row below `until` can appear later.
  await db.query('BEGIN');
  let cut: Array<{ max: string | null; n: string }>;
  try {
    await db.query(`LOCK TABLE ${l('assessment_inbox_log')} IN SHARE MODE`);
    cut = await db.query(`SELECT max(seq) AS max, count(*) FILTER (WHERE seq > $1) AS n FROM ${l('assessment_inbox_log')}`, [afterSeq]);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  const [{ max, n }] = cut;
  const until = Number(max ?? 0);
  const total = done + Number(n);
  const started = process.hrtime.bigint();
  let seq = afterSeq;
  let events = done;
  const flushEvery = opts.flushEvery ?? 50000;
  const maxCached = opts.maxCachedWhistles ?? 200000;
  const projector = new WhistleProjector({ schema: opts.shadowSchema, tz: opts.tz, log: false });
  const reader = opts.reader ?? db;
  let pending = 0;
  // Pipelined: the next batch is read on `reader` while this one is applied, and a flush runs on
  // `db` while the following batches are applied (its statements are a snapshot). A state is
  // only re-read after `forget`, which first waits for the flush that wrote it.
  let writing: Promise<void> = Promise.resolve();
  const execute = async (statements: Array<{ sql: string; params: unknown[] }>) => {
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL synchronous_commit = off');
      for (const st of statements) await db.query(st.sql, st.params);
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK');
      throw err;
    }
  };
  const flush = async () => {
    const statements = await projector.prepareFlush();
    await writing;
    writing = execute(statements);
    writing.catch(() => undefined); // surfaced by the next await of `writing`
    pending = 0;
    if (projector.cached > maxCached) {
      await writing;
      projector.forget();
    }
  };
  // Events up to `until` in log order, or whistle by whistle (per-whistle order is all the
  // projection depends on: the deltas and marks are sums, so the order across whistles does not
  // matter); events logged after `until` always follow in log order.
  const byWhistle = opts.order === 'whistle' && afterSeq === 0;
  type Row = { seq: string; whistle_id: string; envelope: ProjectableEvent };
  const read = (from: [string, number]): Promise<Row[]> =>
    byWhistle
      ? reader.query(
          `SELECT seq, whistle_id::text AS whistle_id, envelope FROM ${l('assessment_inbox_log')}
            WHERE (whistle_id, seq) > ($1::uuid, $2::bigint) AND seq <= $3 ORDER BY whistle_id, seq LIMIT $4`,
          [from[0], from[1], until, batch],
        )
      : reader.query(`SELECT seq, whistle_id::text AS whistle_id, envelope FROM ${l('assessment_inbox_log')} WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, [
          from[1],
          until,
          batch,
        ]);
  let next = read(['00000000-0000-0000-0000-000000000000', afterSeq]);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    const last = rows[rows.length - 1];
    seq = Number(last.seq);
    next = rows.length < batch ? Promise.resolve([]) : read([last.whistle_id, seq]);
    await projector.apply(reader, rows.map((r) => r.envelope));
    pending += rows.length;
    events += rows.length;
    if (pending >= flushEvery) await flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    opts.onProgress?.({ events, total, percent: total === 0 ? 100 : (events / total) * 100, eventsPerSecond: seconds > 0 ? (events - done) / seconds : 0, seconds });
  }
  if (pending) await flush();
  await writing;
  seq = Math.max(seq, until);
  return { lastSeq: seq, events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Re-projects street_ratings, closed_periods and appeals from this service's own event store. */
export async function replayOwnEvents(db: Connection, live: string, shadow: string): Promise<number> {
  const l = tableNamer(live);
  const s = tableNamer(shadow);
  await db.query(`TRUNCATE ${s('street_ratings')}, ${s('closed_periods')}, ${s('appeals')}`);
  const rows: Array<{ event_id: string; type: string; data: unknown; occurred_at: Date }> = await db.query(
    `SELECT event_id::text AS event_id, type, data, occurred_at FROM ${l('events')} WHERE type IN ('StreetRated', 'PeriodClosed', 'AppealFiled', 'AppealDecided') ORDER BY global_position`,
  );
  await projectOwnEvents(db, rows.map((r) => ({ eventId: r.event_id, type: r.type, data: r.data, occurredAt: new Date(r.occurred_at) })), shadow);
  return rows.length;
}

/** Periods worth comparing: every month with a summons or feedback, their quarters and years, and every rated or closed period. */
export async function periodsToCompare(db: Connection, schema: string): Promise<string[]> {
  const t = tableNamer(schema);
  const rows: Array<{ p: string }> = await db.query(
    `SELECT DISTINCT month AS p FROM ${t('score_deltas_daily')} UNION SELECT DISTINCT period FROM ${t('street_ratings')} UNION SELECT period FROM ${t('closed_periods')}`,
  );
  const out = new Set<string>();
  for (const { p } of rows) {
    const period = parsePeriod(p);
    if (!period) continue;
    out.add(p);
    out.add(String(period.year));
    if (period.kind === 'MONTH') out.add(`${period.year}-Q${Math.floor((period.firstMonth - 1) / 3) + 1}`);
  }
  return [...out].sort();
}

export interface TableDifference {
  table: string;
  onlyLive: number;
  onlyRebuilt: number;
}

/**
 * Row-level comparison of the live and rebuilt projections. Delta and mark rows are compared by
 * their sums per key (a rebuild batches events, so one key may be one row instead of several).
 */
export async function compareTables(db: Connection, live: string, shadow: string): Promise<TableDifference[]> {
  const sums = COUNT_SQL_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ');
  const views: Record<string, (schema: string) => string> = {
    whistle_scoring_state: (s) => `SELECT whistle_id, state::jsonb AS state FROM ${tableNamer(s)('whistle_scoring_state')}`,
    assignment_facts: (s) => `SELECT * FROM ${tableNamer(s)('assignment_facts')}`,
    whistle_facts: (s) => `SELECT * FROM ${tableNamer(s)('whistle_facts')}`,
    score_deltas: (s) => `SELECT department_id, month, at, ${sums} FROM ${tableNamer(s)('score_deltas')} GROUP BY 1, 2, 3 HAVING ${COUNT_SQL_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ')}`,
    // `version` counts the writes (the scorecard watermark), which differ between event-by-event and batched projection
    score_deltas_daily: (s) =>
      `SELECT month, day, department_id, ${COUNT_SQL_COLUMNS.join(', ')} FROM ${tableNamer(s)('score_deltas_daily')} WHERE ${COUNT_SQL_COLUMNS.map((c) => `${c} <> 0`).join(' OR ')}`,
    lost_point_marks: (s) => `SELECT month, at, department_id, kind, item_key, whistle_id, sum(sign) AS sign, max(detail::text) AS detail FROM ${tableNamer(s)('lost_point_marks')} GROUP BY 1, 2, 3, 4, 5, 6`,
    street_ratings: (s) => `SELECT * FROM ${tableNamer(s)('street_ratings')}`,
    closed_periods: (s) => `SELECT * FROM ${tableNamer(s)('closed_periods')}`,
    appeals: (s) => `SELECT * FROM ${tableNamer(s)('appeals')}`,
  };
  const out: TableDifference[] = [];
  for (const [table, view] of Object.entries(views)) {
    const [{ a, b }]: Array<{ a: string; b: string }> = await db.query(
      `SELECT (SELECT count(*) FROM (${view(live)} EXCEPT ALL ${view(shadow)}) x) AS a, (SELECT count(*) FROM (${view(shadow)} EXCEPT ALL ${view(live)}) y) AS b`,
    );
    out.push({ table, onlyLive: Number(a), onlyRebuilt: Number(b) });
  }
  return out;
}

export interface ScorecardDifference {
  period: string;
  equal: boolean;
  detail?: string;
}

/** The scorecards of `periods` as of one instant from the live and the rebuilt tables, compared. */
export async function compareScorecards(db: Connection, live: string, shadow: string, periods: string[], asOf: Date, policy: ScoringPolicy, tz: string): Promise<ScorecardDifference[]> {
  const out: ScorecardDifference[] = [];
  for (const p of periods) {
    const a = await buildScorecard(db, p, asOf, { policy, tz, now: asOf, schema: live });
    const b = await buildScorecard(db, p, asOf, { policy, tz, now: asOf, schema: shadow });
    const ja = JSON.stringify(a);
    const jb = JSON.stringify(b);
    if (ja === jb) {
      out.push({ period: p, equal: true });
      continue;
    }
    const diff = a.rows
      .map((row, i) => (JSON.stringify(row) === JSON.stringify(b.rows[i]) ? null : `${row.name}: live ${JSON.stringify({ ...row, explanations: row.explanations.length })} rebuilt ${JSON.stringify({ ...b.rows[i], explanations: b.rows[i]?.explanations.length })}`))
      .filter((x): x is string => x !== null);
    out.push({ period: p, equal: false, detail: diff.slice(0, 3).join('\n') || 'header differs' });
  }
  return out;
}

/** Replaces the live projection's rows with the rebuilt ones, in one transaction, the log locked so no event slips in between. */
export async function replaceLive(db: Connection, opts: RebuildOptions, lastSeq: number): Promise<number> {
  const l = tableNamer(opts.liveSchema);
  const s = tableNamer(opts.shadowSchema);
  // catch up outside the lock first, then once more under it
  const tail = await replayLog(db, opts, lastSeq);
  await db.query('BEGIN');
  try {
    await db.query(`LOCK TABLE ${l('assessment_inbox_log')} IN EXCLUSIVE MODE`);
    const final = await replayLogInTransaction(db, opts, tail.lastSeq);
    await replayOwnEvents(db, opts.liveSchema, opts.shadowSchema);
    await db.query(`TRUNCATE ${ALL_PROJECTION_TABLES.map(l).join(', ')}`);
    for (const table of ALL_PROJECTION_TABLES) await db.query(`INSERT INTO ${l(table)} SELECT * FROM ${s(table)}`);
    // rows were removed and rewritten: every cached scorecard is stale (ADR 0008)
    await db.query(`UPDATE ${l('projection_generation')} SET generation = generation + 1`);
    await db.query('COMMIT');
    return final;
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
}

async function replayLogInTransaction(db: Connection, opts: RebuildOptions, afterSeq: number): Promise<number> {
  const l = tableNamer(opts.liveSchema);
  const rows: Array<{ seq: string; envelope: ProjectableEvent }> = await db.query(`SELECT seq, envelope FROM ${l('assessment_inbox_log')} WHERE seq > $1 ORDER BY seq`, [afterSeq]);
  if (rows.length) await projectWhistleEvents(db, rows.map((r) => r.envelope), { schema: opts.shadowSchema, tz: opts.tz, log: false });
  return rows.length ? Number(rows[rows.length - 1].seq) : afterSeq;
}


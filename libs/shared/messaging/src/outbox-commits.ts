import { trackWrites } from '@chuishao/postgres';
import { tuned } from '@chuishao/platform';

/**
 * How the process learns that outbox rows it wrote are committed, to wake its relay at once
 * (ADR 0013) with the rows as they were written (ADR 0019): `outboxInsert` announces each insert's
 * rows ({@link announceOutboxRows}); the statement returns their ids under the reference it was
 * given; the services' PostgreSQL connections (PreparingClient) follow the transaction and, at its
 * commit, call the {@link onOutboxCommit} listeners through the tracker registered below.
 */
/**
 * The session setting that tells the outbox trigger not to NOTIFY: the process that wrote the rows
 * wakes its relay itself after the commit ({@link onOutboxCommit}). Set on the services' pools
 * (empty when 'in-process-wake' is switched off to be measured: the trigger then always NOTIFYs).
 */
export const OUTBOX_WAKE_OPTION = tuned('in-process-wake') ? '-c chuishao.outbox_wake=process' : '';

/** An outbox row as its transaction committed it: what the relay publishes, and the id to delete it by. */
export interface CommittedOutboxRow {
  id: string;
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * What a commit with outbox rows tells the listeners: the schema whose outbox it wrote and the
 * rows, in id order — or `rows` undefined when some of them are not known here (the relay must read
 * its outbox), `schema` undefined when the connection's is not known.
 */
export interface OutboxCommit {
  schema: string | undefined;
  rows: ReadonlyArray<CommittedOutboxRow> | undefined;
}

const outboxCommitListeners = new Set<(commit: OutboxCommit) => void>();

/**
 * Calls `listener` after every commit, through a PreparingClient of this process, of a
 * transaction that inserted outbox rows (an autocommit statement, or COMMIT after one), with the
 * rows if they are all known (ADR 0019). Returns the function that removes it. ADR 0013: why not
 * NOTIFY in the writing transaction.
 */
export function onOutboxCommit(listener: (commit: OutboxCommit) => void): () => void {
  outboxCommitListeners.add(listener);
  return () => outboxCommitListeners.delete(listener);
}

function outboxCommitted(commit: OutboxCommit): void {
  for (const listener of outboxCommitListeners) listener(commit);
}

/** Outbox inserts of this process not answered yet, and transactions that inserted outbox rows not ended yet. */
let outboxWritesOpen = 0;

/**
 * How many outbox writes of this process may still hand rows over: inserts sent and not answered,
 * and open transactions that inserted some. A relay that misses an id waits for them (ADR 0019).
 */
export function outboxWritesInFlight(): number {
  return outboxWritesOpen;
}

/** The start of the parameter that names an outbox insert's rows ({@link announceOutboxRows}). */
const OUTBOX_REF = 'chuishao-outbox:';
/** The start of the name of the output that brings an outbox insert's ids back. */
const OUTBOX_OUTPUT = 'chuishao_outbox_';
const MAX_ANNOUNCED = 10000;
const announced = new Map<string, ReadonlyArray<Omit<CommittedOutboxRow, 'id'>>>();
let lastRef = 0;

/**
 * For the statement that inserts `rows` into the outbox as a CTE (its SQL ending in `RETURNING
 * id`): the parameter value to pass (`ref`, at parameter number `param`) and the output the
 * composed statement adds (see Companion's `output`). From the statement's result the connection
 * learns the rows' ids — `ref` and the ids the CTE returned, ascending — and, when they are as
 * many as `rows`, gives the rows with their ids to its {@link onOutboxCommit} listeners at commit
 * (ADR 0019). The insert must take its ids in the order of `rows` (RowSourceOptions.ordered).
 */
export function announceOutboxRows(rows: ReadonlyArray<Omit<CommittedOutboxRow, 'id'>>, param: number): { ref: string; output: (cte: string) => string } {
  lastRef = (lastRef + 1) % Number.MAX_SAFE_INTEGER;
  const ref = `${OUTBOX_REF}${lastRef}`;
  announced.set(ref, rows);
  // a statement that was never sent, or went through a connection that is not a PreparingClient,
  // leaves its rows here: the oldest go past a bound (their commit then reads the outbox instead)
  if (announced.size > MAX_ANNOUNCED) announced.delete(announced.keys().next().value!);
  return {
    ref,
    output: (cte) => `(SELECT $${param}::text || coalesce(' ' || string_agg(id::text, ' ' ORDER BY id), '') FROM ${cte}) AS ${OUTBOX_OUTPUT}${cte}`,
  };
}

/** Rows announced but not (yet) claimed by a statement's result: 0 when every statement cleaned up (a leak check for tests). */
export function announcedOutboxRows(): number {
  return announced.size;
}

/**
 * The outbox rows a statement's result names (see {@link announceOutboxRows}), or undefined if it
 * inserted rows it does not account for. Forgets the statement's announced rows either way.
 */
function outboxRowsOf(result: unknown, values: unknown, inserts: number): CommittedOutboxRow[] | undefined {
  let rows: CommittedOutboxRow[] | undefined = [];
  const r = result as { rows?: Array<Record<string, unknown>>; fields?: Array<{ name: string }> } | undefined;
  const first = r?.rows?.[0];
  const outputs = first ? (r?.fields ?? []).filter((f) => f.name.startsWith(OUTBOX_OUTPUT)) : [];
  if (outputs.length < inserts) rows = undefined;
  for (const f of outputs) {
    const [ref, ...ids] = String(first![f.name]).split(' ');
    const known = announced.get(ref);
    if (!rows || !known || known.length !== ids.length) {
      rows = undefined;
      continue;
    }
    for (let i = 0; i < ids.length; i++) rows.push({ id: ids[i], ...known[i] });
  }
  forgetAnnounced(values); // (every outbox insert's ref is among its parameters)
  return rows;
}

/** How many outbox inserts a statement has: the refs {@link announceOutboxRows} gave it among its parameters. */
function outboxInserts(values: unknown): number {
  if (!Array.isArray(values)) return 0;
  let n = 0;
  for (const v of values) if (typeof v === 'string' && v.startsWith(OUTBOX_REF)) n++;
  return n;
}

function forgetAnnounced(values: unknown): void {
  if (!Array.isArray(values)) return;
  for (const v of values) if (typeof v === 'string' && v.startsWith(OUTBOX_REF)) announced.delete(v);
}

/** The outbox's writes, followed on every PreparingClient of this process. */
trackWrites<CommittedOutboxRow>({
  writesIn: outboxInserts,
  written: outboxRowsOf,
  failed: forgetAnnounced,
  committed: (schema, rows) => outboxCommitted({ schema, rows }),
  inFlight: (delta) => {
    outboxWritesOpen += delta;
  },
});

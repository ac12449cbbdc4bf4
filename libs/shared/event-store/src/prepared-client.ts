import { Client } from 'pg';

/** Distinct statement texts this process names at most; past that, statements go unnamed as before. */
const MAX_NAMED = 2000;
const names = new Map<string, string>();

/** The name a parameterised statement is prepared under (undefined: leave it unnamed). */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `chuishao_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The session setting that tells the outbox trigger not to NOTIFY: the process that wrote the rows
 * wakes its relay itself after the commit ({@link onOutboxCommit}). Set on the services' pools.
 */
export const OUTBOX_WAKE_OPTION = '-c chuishao.outbox_wake=process';

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
 * Calls `listener` after every commit, through a {@link PreparingClient} of this process, of a
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

/** Rows announced but not (yet) claimed by a statement's result: 0 when every statement cleaned up. */
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

/**
 * A node-postgres client that prepares every parameterised statement once per connection and then
 * only binds and executes it: PostgreSQL parses and plans it once instead of on every call — about
 * 45 % less server time for our append statement (ADR 0007). Statements without parameters (BEGIN,
 * COMMIT, multi-statement batches with escaped literals) go unchanged.
 *
 * It also follows its transactions far enough to know when outbox rows it inserted are committed,
 * and then tells {@link onOutboxCommit}'s listeners (ADR 0013). The only writer of outbox rows is
 * the messaging lib's `outboxInsert`, which registers each insert with {@link announceOutboxRows}:
 * the statement carries the ref it was given among its parameters (its SQL text is not read for it).
 *
 * Used by the services' pools (`extra.Client`) and the outbox relay. Plans are invalidated by
 * PostgreSQL itself when a table changes; migrations run before a service prepares anything.
 */
export class PreparingClient extends Client {
  /** A transaction is open on this connection (BEGIN / START TRANSACTION seen, no COMMIT or ROLLBACK yet). */
  inTransaction = false;
  /** The open transaction has inserted outbox rows (counted in {@link outboxWritesInFlight} while so). */
  private hasOutbox = false;
  get outboxInTransaction(): boolean {
    return this.hasOutbox;
  }
  set outboxInTransaction(value: boolean) {
    if (value !== this.hasOutbox) outboxWritesOpen += value ? 1 : -1;
    this.hasOutbox = value;
  }
  /** …these (undefined: some of them are not known). */
  outboxRows: CommittedOutboxRow[] | undefined = [];
  private schemaName?: string | null;

  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    // a connection lost in the middle of a transaction ends it
    this.on('end', () => this.transactionEnded());
  }

  /** No transaction open on this connection any more (COMMIT, ROLLBACK, or the connection gone). */
  transactionEnded(): void {
    this.inTransaction = false;
    this.outboxInTransaction = false;
    this.outboxRows = [];
  }

  /** The schema first on this connection's search_path, from its options (undefined if none is set there). */
  get schema(): string | undefined {
    if (this.schemaName === undefined) {
      const options = (this as unknown as { connectionParameters?: { options?: string } }).connectionParameters?.options ?? '';
      this.schemaName = /search_path=([A-Za-z_][A-Za-z0-9_]*)/.exec(options)?.[1] ?? null;
    }
    return this.schemaName ?? undefined;
  }
}

type AnyQuery = (this: Client, ...args: unknown[]) => unknown;
const unnamed = Client.prototype.query as unknown as AnyQuery;

/** What a statement's text means for the transaction and the outbox (only what the wake needs). */
interface StatementKind {
  begins: boolean;
  /** Ends the transaction (COMMIT, END or ROLLBACK, not ROLLBACK TO a savepoint)… */
  ends: boolean;
  /** …by committing it. */
  commits: boolean;
  /** ROLLBACK TO a savepoint. */
  rollsBackTo: boolean;
}

/** The kinds of the prepared statements' texts, worked out once each (the texts {@link statementName} names). */
const kinds = new Map<string, StatementKind>();

function statementKind(text: string, prepared: boolean): StatementKind {
  const known = prepared ? kinds.get(text) : undefined;
  if (known) return known;
  const head = text.trimStart().slice(0, 24).toUpperCase();
  const rollsBack = head.startsWith('ROLLBACK') && !head.startsWith('ROLLBACK TO');
  const commits = head.startsWith('COMMIT') || head.startsWith('END');
  const kind = {
    begins: head.startsWith('BEGIN') || head.startsWith('START TRANSACTION'),
    ends: commits || rollsBack,
    commits,
    rollsBackTo: head.startsWith('ROLLBACK TO'),
  };
  if (prepared) kinds.set(text, kind);
  return kind;
}

// pg's query() has many overloads; only the (text, values[]) form TypeORM and our code use is
// rewritten to a prepared statement; every promise-returning form is followed for the outbox wake
PreparingClient.prototype.query = function query(this: PreparingClient, ...args: unknown[]): unknown {
  const [text, values] = args;
  let result: unknown;
  let name: string | undefined;
  if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0) {
    name = statementName(text);
    result = name ? unnamed.call(this, { name, text, values }) : unnamed.apply(this, args);
  } else {
    result = unnamed.apply(this, args);
  }
  const sql = typeof text === 'string' ? text : typeof (text as { text?: unknown })?.text === 'string' ? (text as { text: string }).text : undefined;
  if (sql === undefined || !(result instanceof Promise)) return result;
  const kind = statementKind(sql, name !== undefined);
  const outbox = outboxInserts(values);
  if (!kind.begins && !kind.ends && !outbox && !kind.rollsBackTo) return result;
  if (kind.begins) {
    this.transactionEnded(); // (a BEGIN inside a transaction is only a warning in PostgreSQL)
    this.inTransaction = true;
  }
  if (outbox) outboxWritesOpen += 1;
  return result.then(
    (r) => {
      if (outbox) {
        outboxWritesOpen -= 1;
        const rows = outboxRowsOf(r, values, outbox);
        if (!this.inTransaction) outboxCommitted({ schema: this.schema, rows });
        else {
          this.outboxInTransaction = true;
          if (rows && this.outboxRows) this.outboxRows.push(...rows);
          else this.outboxRows = undefined;
        }
      }
      // rows inserted after the savepoint are gone, and which they were is not known here
      if (kind.rollsBackTo && this.outboxInTransaction) this.outboxRows = undefined;
      if (kind.ends) {
        // COMMIT of a transaction that failed answers ROLLBACK, without an error
        const committed = kind.commits && this.outboxInTransaction && (r as { command?: string } | undefined)?.command !== 'ROLLBACK';
        const rows = this.outboxRows;
        this.transactionEnded();
        if (committed) outboxCommitted({ schema: this.schema, rows });
      }
      return r;
    },
    (err: unknown) => {
      if (outbox) {
        outboxWritesOpen -= 1;
        forgetAnnounced(values);
      }
      if (kind.ends) this.transactionEnded();
      throw err;
    },
  );
} as unknown as Client['query'];

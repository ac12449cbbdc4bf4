import { Client } from 'pg';
import { tuned } from '@chuishao/platform';

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
 * Something statements write that matters to this process only once its transaction commits —
 * the messaging library's outbox rows, which wake its relay (ADR 0013, 0019). A statement carries
 * the tracker's writes as references among its parameters; the client follows each connection's
 * transaction and tells the tracker what committed. Registered with {@link trackWrites}.
 */
export interface WriteTracker<T = unknown> {
  /** How many of the tracker's writes a statement carries (0: none), from its parameters. */
  writesIn(values: unknown): number;
  /** What those writes were, from the statement's result (undefined: not all known); forgets their references. */
  written(result: unknown, values: unknown, writes: number): T[] | undefined;
  /** The statement failed: forget its references. */
  failed(values: unknown): void;
  /** A commit of writes of this tracker: `items` undefined when some are not known, `schema` when the connection's is not. */
  committed(schema: string | undefined, items: ReadonlyArray<T> | undefined): void;
  /** +1 when a write is sent or a transaction comes to hold some, −1 when it is answered or the transaction ends. */
  inFlight(delta: 1 | -1): void;
}

const trackers = new Set<WriteTracker>();

/** Follows the writes of `tracker` on every {@link PreparingClient} of this process; returns the function that stops it. */
export function trackWrites<T>(tracker: WriteTracker<T>): () => void {
  trackers.add(tracker as WriteTracker);
  return () => trackers.delete(tracker as WriteTracker);
}

/**
 * A node-postgres client that prepares every parameterised statement once per connection and then
 * only binds and executes it: PostgreSQL parses and plans it once instead of on every call (ADR 0007). Statements without parameters (BEGIN,
 * COMMIT, multi-statement batches with escaped literals) go unchanged.
 *
 * It also follows its transactions far enough to tell each registered {@link WriteTracker} when the
 * writes it tracks are committed (the messaging library's outbox rows: ADR 0013, 0019). Statements
 * are known by the references among their parameters, never by their SQL text.
 *
 * Used by the services' pools (`extra.Client`) and the outbox relay. Plans are invalidated by
 * PostgreSQL itself when a table changes; migrations run before a service prepares anything.
 */
export class PreparingClient extends Client {
  /** A transaction is open on this connection (BEGIN / START TRANSACTION seen, no COMMIT or ROLLBACK yet). */
  inTransaction = false;
  /** The trackers whose writes the open transaction holds, with the writes (undefined: some are not known). */
  private readonly held = new Map<WriteTracker, unknown[] | undefined>();
  private schemaName?: string | null;

  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    // a connection lost in the middle of a transaction ends it
    this.on('end', () => this.transactionEnded());
  }

  /** No transaction open on this connection any more (COMMIT, ROLLBACK, or the connection gone); returns what it held. */
  transactionEnded(): Array<[WriteTracker, unknown[] | undefined]> {
    const held = [...this.held];
    for (const [tracker] of held) tracker.inFlight(-1);
    this.held.clear();
    this.inTransaction = false;
    return held;
  }

  /** A write of `tracker` answered inside the open transaction: held until it ends. */
  hold(tracker: WriteTracker, items: unknown[] | undefined): void {
    if (!this.held.has(tracker)) {
      tracker.inFlight(1);
      this.held.set(tracker, []);
    }
    const held = this.held.get(tracker);
    if (items && held) held.push(...items);
    else this.held.set(tracker, undefined);
  }

  /** ROLLBACK TO a savepoint: the writes after it are gone, and which they were is not known here. */
  forgetHeld(): void {
    for (const tracker of this.held.keys()) this.held.set(tracker, undefined);
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
/** Statements are prepared (unless CHUISHAO_TUNING_OFF names 'prepared-statements'). */
const preparing = tuned('prepared-statements');
const unnamed = Client.prototype.query as unknown as AnyQuery;

/** What a statement's text means for the transaction (only what following the tracked writes needs). */
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
// rewritten to a prepared statement; every promise-returning form is followed for the tracked writes
PreparingClient.prototype.query = function query(this: PreparingClient, ...args: unknown[]): unknown {
  const [text, values] = args;
  let result: unknown;
  let name: string | undefined;
  if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0) {
    name = preparing ? statementName(text) : undefined;
    result = name ? unnamed.call(this, { name, text, values }) : unnamed.apply(this, args);
  } else {
    result = unnamed.apply(this, args);
  }
  const sql = typeof text === 'string' ? text : typeof (text as { text?: unknown })?.text === 'string' ? (text as { text: string }).text : undefined;
  if (sql === undefined || !(result instanceof Promise)) return result;
  const kind = statementKind(sql, name !== undefined);
  const writes: Array<[WriteTracker, number]> = [];
  for (const tracker of trackers) {
    const n = tracker.writesIn(values);
    if (n > 0) writes.push([tracker, n]);
  }
  if (!kind.begins && !kind.ends && writes.length === 0 && !kind.rollsBackTo) return result;
  if (kind.begins) {
    this.transactionEnded(); // (a BEGIN inside a transaction is only a warning in PostgreSQL)
    this.inTransaction = true;
  }
  for (const [tracker] of writes) tracker.inFlight(1);
  return result.then(
    (r) => {
      for (const [tracker, n] of writes) {
        tracker.inFlight(-1);
        const items = tracker.written(r, values, n);
        if (this.inTransaction) this.hold(tracker, items);
        else tracker.committed(this.schema, items);
      }
      if (kind.rollsBackTo) this.forgetHeld();
      if (kind.ends) {
        // COMMIT of a transaction that failed answers ROLLBACK, without an error
        const committed = kind.commits && (r as { command?: string } | undefined)?.command !== 'ROLLBACK';
        const held = this.transactionEnded();
        if (committed) for (const [tracker, items] of held) tracker.committed(this.schema, items);
      }
      return r;
    },
    (err: unknown) => {
      for (const [tracker] of writes) {
        tracker.inFlight(-1);
        tracker.failed(values);
      }
      if (kind.ends) this.transactionEnded();
      throw err;
    },
  );
} as unknown as Client['query'];

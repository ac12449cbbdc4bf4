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

const outboxCommitListeners = new Set<() => void>();

/**
 * Calls `listener` after every commit, through a {@link PreparingClient} of this process, of a
 * transaction that inserted outbox rows (an autocommit statement, or COMMIT after one). Returns
 * the function that removes it. ADR 0013: why not NOTIFY in the writing transaction.
 */
export function onOutboxCommit(listener: () => void): () => void {
  outboxCommitListeners.add(listener);
  return () => outboxCommitListeners.delete(listener);
}

function outboxCommitted(): void {
  for (const listener of outboxCommitListeners) listener();
}

/**
 * A node-postgres client that prepares every parameterised statement once per connection and then
 * only binds and executes it: PostgreSQL parses and plans it once instead of on every call — about
 * 45 % less server time for our append statement (ADR 0007). Statements without parameters (BEGIN,
 * COMMIT, multi-statement batches with escaped literals) go unchanged.
 *
 * It also follows its transactions far enough to know when outbox rows it inserted are committed,
 * and then tells {@link onOutboxCommit}'s listeners (ADR 0013). The only writer of outbox rows is
 * the messaging lib's `outboxInsert`, whose statements say `INSERT INTO outbox`.
 *
 * Used by the services' pools (`extra.Client`) and the outbox relay. Plans are invalidated by
 * PostgreSQL itself when a table changes; migrations run before a service prepares anything.
 */
export class PreparingClient extends Client {
  /** A transaction is open on this connection (BEGIN / START TRANSACTION seen, no COMMIT or ROLLBACK yet). */
  inTransaction = false;
  /** The open transaction has inserted outbox rows. */
  outboxInTransaction = false;
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
  outbox: boolean;
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
    outbox: text.includes('INSERT INTO outbox'),
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
  if (!kind.begins && !kind.ends && !kind.outbox) return result;
  if (kind.begins) this.inTransaction = true;
  return result.then(
    (r) => {
      if (kind.outbox) {
        if (this.inTransaction) this.outboxInTransaction = true;
        else outboxCommitted();
      }
      if (kind.ends) {
        const committed = kind.commits && this.outboxInTransaction;
        this.inTransaction = false;
        this.outboxInTransaction = false;
        if (committed) outboxCommitted();
      }
      return r;
    },
    (err: unknown) => {
      if (kind.ends) {
        this.inTransaction = false;
        this.outboxInTransaction = false;
      }
      throw err;
    },
  );
} as unknown as Client['query'];

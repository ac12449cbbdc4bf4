/**
 * What a log may say about an error (contract §10: logs never carry SQL parameters, event payloads
 * or personal data, not even on a database error).
 *
 * A database error (TypeORM's QueryFailedError, pg's DatabaseError, or anything carrying a
 * SQLSTATE `code`) keeps what an operator needs to find the fault — `code` (SQLSTATE),
 * `constraint`, `table`, `schema`, `column`, `dataType`, `routine`, `severity` and `statement`, a
 * short label of the SQL text (its first words, up to the first parenthesis, quote, parameter or
 * clause: `INSERT INTO events`) — and loses what may hold data: `parameters`, the `query` text, the
 * `detail` (PostgreSQL's `Key (id)=(…) already exists` holds the values; only its key columns are
 * kept, as `keyColumns`), `where`, `internalQuery`, `hint`, and, for data exceptions (SQLSTATE class
 * 22, whose messages quote the value: `invalid input syntax for type uuid: "…"`) and PL/pgSQL
 * raises (class P0), the message after its first quote or colon, in `message` and in `stack`.
 * `driverError` and `cause` are reduced the same way.
 */

/** Keys dropped from any error object, at any depth. */
const DROPPED = new Set(['parameters', 'query', 'detail', 'where', 'internalQuery', 'hint', 'driverError', 'values', 'text']);
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** A short label of a SQL text that holds no literal: its first words up to the first `(`, quote, `$n` or clause. */
export function statementLabel(sql: unknown): string | undefined {
  if (typeof sql !== 'string') return undefined;
  const flat = sql.replace(/\s+/g, ' ').trim();
  const head = /^[^('"$;\d]*/.exec(flat)?.[0] ?? '';
  const label = head.split(/\s(?:VALUES|WHERE|SET|LIMIT|ORDER|GROUP|RETURNING|ON CONFLICT|SELECT|AS)\b/i)[0].trim();
  return label ? label.slice(0, 60) : undefined;
}

function isDatabaseError(e: Record<string, unknown>): boolean {
  return typeof e.code === 'string' && SQLSTATE.test(e.code) && ('driverError' in e || 'severity' in e || 'routine' in e || 'query' in e || e.name === 'QueryFailedError' || e.name === 'DatabaseError');
}

/** The message of a data exception cut before the value it quotes. */
function safeMessage(message: string, code: string): string {
  if (!code.startsWith('22') && !code.startsWith('P0')) return message;
  const head = message.split(/[:"'(]/)[0].trim();
  return `${head} [REDACTED]`;
}

function reduce(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const db = isDatabaseError(value);
  for (const [k, v] of Object.entries(value)) {
    if (DROPPED.has(k)) continue;
    if (k === 'cause' && v && typeof v === 'object') {
      if (depth < 5) out.cause = reduce(serialize(v), depth + 1);
      continue;
    }
    out[k] = v;
  }
  if (db) {
    const code = value.code as string;
    const statement = statementLabel(value.query);
    if (statement) out.statement = statement;
    const detail = value.detail;
    const keys = typeof detail === 'string' ? /^Key \(([^)]*)\)=/.exec(detail)?.[1] : undefined;
    if (keys) out.keyColumns = keys;
    const driver = value.driverError;
    if (driver && typeof driver === 'object') {
      // pg's own error: its fields were copied onto TypeORM's; keep those TypeORM lacks
      for (const k of ['code', 'constraint', 'table', 'schema', 'column', 'dataType', 'routine', 'severity'] as const) {
        const v = (driver as Record<string, unknown>)[k];
        if (out[k] === undefined && v !== undefined) out[k] = v;
      }
    }
    if (typeof out.message === 'string') {
      const original = out.message;
      out.message = safeMessage(original, code);
      if (typeof out.stack === 'string' && out.message !== original) out.stack = out.stack.split(original).join(out.message as string);
    }
  }
  return out;
}

/**
 * An error as pino's `err` serializer gives it (type, message, stack, its enumerable properties),
 * except that a `cause` stays a property of its own (reduced the same way) instead of being
 * appended to the message and stack, where a cause's quoted value could not be cut.
 */
function serialize(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { ...(err as Record<string, unknown>) };
  const out: Record<string, unknown> = { type: err.constructor?.name || err.name, message: err.message, stack: err.stack };
  for (const key in err) {
    const v: unknown = (err as unknown as Record<string, unknown>)[key];
    if (out[key] === undefined && typeof v !== 'function') out[key] = v;
  }
  if (err.cause !== undefined) out.cause = err.cause;
  return out;
}

/**
 * pino's `err` serializer with the data a database error may carry removed (see above). Used for
 * `err` and `error` by every service's logger.
 */
export function safeErrorSerializer(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  return reduce(serialize(err), 0);
}

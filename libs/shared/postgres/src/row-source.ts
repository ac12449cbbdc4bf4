/**
 * Many rows as one `SELECT`, for writing them in one statement: one array parameter per column,
 * unnested together (ADR 0011).
 *
 * `rowSource([['a', 1], ['b', 2]], [['name', 'text'], ['n', 'int']], 1)` →
 * `SELECT v.name, v.n FROM unnest($1::text[], $2::int[]) AS v(name, n)` with params
 * `[['a', 'b'], [1, 2]]`.
 *
 * The statement's text depends on the columns only, never on how many rows there are: PostgreSQL
 * parses and plans it once per connection (PreparingClient), where a `VALUES` list of n rows was a
 * new statement for every n, planned anew with n × columns parameters.
 *
 * A column whose type is itself an array (`uuid[]`) travels as the text of a PostgreSQL array
 * literal and is cast back in the select list (unnest would flatten an array of arrays).
 */
export type ColumnSpec = readonly [name: string, type: string];

export interface RowSource {
  /** `SELECT … FROM unnest(…) AS v(…) [WHERE …]`; the columns are `v.<name>`. */
  sql: string;
  params: unknown[];
}

export interface RowSourceOptions {
  /** A condition over the columns `v.…` (e.g. {@link inWrittenStreams}). */
  where?: string;
  /** The select list, when it is not every column in order (e.g. a column that only filters). */
  select?: string;
  /** Parameterless expressions appended to every row (e.g. `now()`). */
  tail?: string;
  /**
   * The rows come out in the order given (`WITH ORDINALITY … ORDER BY`): an INSERT of them takes
   * its sequence's ids in that order (volatile defaults are computed after the sort).
   */
  ordered?: boolean;
}

export function rowSource(rows: ReadonlyArray<readonly unknown[]>, columns: ReadonlyArray<ColumnSpec>, first: number, opts: RowSourceOptions = {}): RowSource {
  const params: unknown[][] = columns.map(() => []);
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`a row of ${row.length} values for ${columns.length} columns`);
    row.forEach((value, i) => params[i].push(isArrayType(columns[i][1]) && value !== null && value !== undefined ? arrayLiteral(value as readonly unknown[]) : value));
  }
  const arrays = columns.map(([, type], i) => `$${first + i}::${isArrayType(type) ? 'text' : type}[]`).join(', ');
  const select = opts.select ?? columns.map(([name, type]) => (isArrayType(type) ? `v.${name}::${type}` : `v.${name}`)).join(', ');
  return {
    sql: `SELECT ${select}${opts.tail ? `, ${opts.tail}` : ''} FROM unnest(${arrays})${opts.ordered ? ' WITH ORDINALITY' : ''} AS v(${columnNames(columns)}${opts.ordered ? ', ordinality' : ''})${opts.where ? ` WHERE ${opts.where}` : ''}${opts.ordered ? ' ORDER BY v.ordinality' : ''}`,
    params,
  };
}

export interface InsertOptions extends RowSourceOptions {
  /** The target's column list, when it is not every column in order (a column that only filters, a `tail`). */
  into?: string;
}

/** `INSERT INTO table (columns) SELECT … FROM unnest(…)`: the rows of {@link rowSource} inserted (ON CONFLICT and RETURNING may follow). */
export function insertRows(table: string, rows: ReadonlyArray<readonly unknown[]>, columns: ReadonlyArray<ColumnSpec>, first: number, opts: InsertOptions = {}): RowSource {
  const { into, ...source } = opts;
  const s = rowSource(rows, columns, first, source);
  return { sql: `INSERT INTO ${table} (${into ?? columnNames(columns)}) ${s.sql}`, params: s.params };
}

/** The columns' names, for the INSERT's column list: `name, n`. */
export const columnNames = (columns: ReadonlyArray<ColumnSpec>): string => columns.map(([name]) => name).join(', ');

const isArrayType = (type: string) => type.endsWith('[]');

/** The text of a one-dimensional PostgreSQL array literal (elements quoted, NULLs kept). */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}

/**
 * A multi-row `VALUES` list with numbered parameters, for writing many rows in one statement:
 * `valuesList([[a, b], [c, d]])` → `{ text: '($1, $2), ($3, $4)', params: [a, b, c, d] }`.
 * `first` is the number of the first parameter (when the statement has others before).
 * Each row may end with SQL expressions that take no parameter (`tail`, e.g. `now()`); `casts`
 * types the columns (needed when the list is SELECTed from rather than inserted directly).
 */
export function valuesList(
  rows: ReadonlyArray<readonly unknown[]>,
  opts: { first?: number; tail?: string; casts?: readonly string[] } = {},
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const first = opts.first ?? 1;
  const tuples = rows.map((row) => {
    const start = first + params.length;
    params.push(...row);
    const placeholders = row.map((_, i) => (opts.casts?.[i] ? `$${start + i}::${opts.casts[i]}` : `$${start + i}`));
    if (opts.tail) placeholders.push(opts.tail);
    return `(${placeholders.join(', ')})`;
  });
  return { text: tuples.join(', '), params };
}

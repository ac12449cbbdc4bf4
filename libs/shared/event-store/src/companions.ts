import type { Companion } from './types';
import type { Queryable } from './event-store';

/** The companions' CTEs (`, c1 AS (…), c2 AS (…)`) and parameters, numbered from `first`. */
export function companionCtes(companions: ReadonlyArray<Companion>, first: number): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const text = companions
    .map((c, i) => {
      const { sql, params: p } = c(first + params.length);
      params.push(...p);
      return `, c${i + 1} AS (${sql})`;
    })
    .join('');
  return { text, params };
}

/**
 * Runs independent data-modifying statements as ONE statement (the last one main, the others its
 * CTEs): one round trip. They share a snapshot and must not touch the same row (see Companion).
 */
export async function runTogether(db: Queryable, statements: ReadonlyArray<Companion | undefined>): Promise<void> {
  const present = statements.filter((s): s is Companion => s !== undefined);
  if (present.length === 0) return;
  const last = present[present.length - 1];
  const ctes = companionCtes(present.slice(0, -1), 1);
  const main = last(1 + ctes.params.length);
  await db.query(ctes.text ? `WITH ${ctes.text.slice(2)} ${main.sql}` : main.sql, [...ctes.params, ...main.params]);
}

/**
 * A statement written with its own `$1…$n` as a Companion (its parameters renumbered from
 * `first`). Only for our own SQL text: a `$` followed by digits anywhere in it is a parameter.
 */
export function renumbered(sql: string, params: unknown[]): Companion {
  return (first) => ({ sql: sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + first - 1}`), params });
}

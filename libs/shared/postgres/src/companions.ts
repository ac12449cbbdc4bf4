import type { EntityManager } from 'typeorm';

/** Anything that runs a query: a DataSource, an EntityManager, a QueryRunner. */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * A data-modifying statement (INSERT/UPDATE/DELETE, no RETURNING needed) that an append writes
 * inside its own statement, as a CTE: same transaction, same snapshot, no extra round trip
 * (ADR 0009). `first` is the number its first parameter must take. Companions of one append must
 * not touch the same row twice (PostgreSQL applies one of two modifications of a row in one
 * statement) and cannot see each other's rows.
 */
export type Companion = (first: number) => CompanionStatement;

export interface CompanionStatement {
  sql: string;
  params: unknown[];
  /**
   * An expression the composed statement adds to what it returns, given the name of the CTE this
   * companion runs as (its SQL must then say RETURNING what the expression reads): so the outbox
   * insert tells the connection its rows' ids (ADR 0019). The statement returns it on every row it
   * returns, under a name the expression gives with AS.
   */
  output?: (cte: string) => string;
}


/** Each companion's statement, its parameters numbered on from the one before it (from `first`). */
function numbered(companions: ReadonlyArray<Companion>, first: number): CompanionStatement[] {
  const out: CompanionStatement[] = [];
  for (const c of companions) {
    const st = c(first);
    first += st.params.length;
    out.push(st);
  }
  return out;
}

/** CTEs `, c1 AS (…), c2 AS (…)` of statements, their parameters, and the outputs (`, expr AS name`, or ''). */
function asCtes(statements: ReadonlyArray<CompanionStatement>): { text: string; params: unknown[]; outputs: string } {
  let text = '';
  let outputs = '';
  const params: unknown[] = [];
  statements.forEach((st, i) => {
    text += `, c${i + 1} AS (${st.sql})`;
    params.push(...st.params);
    if (st.output) outputs += `, ${st.output(`c${i + 1}`)}`;
  });
  return { text, params, outputs };
}

/**
 * The companions' CTEs (`, c1 AS (…), c2 AS (…)`) and parameters, numbered from `first`; and the
 * expressions the statement they join must add to what it returns (`, expr AS name`, or '').
 */
export function companionCtes(companions: ReadonlyArray<Companion>, first: number): { text: string; params: unknown[]; outputs: string } {
  return asCtes(numbered(companions, first));
}

/**
 * Runs independent data-modifying statements as ONE statement (the last one main, the others its
 * CTEs): one round trip. They share a snapshot and must not touch the same row (see Companion).
 * If any of them has an `output`, the last one runs as a CTE too and the statement selects the outputs.
 */
export async function runTogether(db: Queryable, statements: ReadonlyArray<Companion | undefined>): Promise<void> {
  const present = numbered(
    statements.filter((s): s is Companion => s !== undefined),
    1,
  );
  if (present.length === 0) return;
  if (present.some((s) => s.output)) {
    const all = asCtes(present);
    await db.query(`WITH ${all.text.slice(2)} SELECT ${all.outputs.slice(2)}`, all.params);
    return;
  }
  const main = present[present.length - 1];
  const ctes = asCtes(present.slice(0, -1));
  await db.query(ctes.text ? `WITH ${ctes.text.slice(2)} ${main.sql}` : main.sql, [...ctes.params, ...main.params]);
}

/**
 * A statement written with its own `$1…$n` as a Companion (its parameters renumbered from
 * `first`). Only for our own SQL text: a `$` followed by digits anywhere in it is a parameter.
 */
export function renumbered(sql: string, params: unknown[]): Companion {
  return (first) => ({ sql: sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + first - 1}`), params });
}

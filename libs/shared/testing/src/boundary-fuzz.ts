import fc from 'fast-check';
import type { ServiceUnderTest } from './service';

/**
 * Odd bodies for every POST route of a service (contract §0 and §10: no input ever yields a 5xx,
 * a rejected request is problem+json and appends no event): arbitrary JSON, a valid body with one
 * field replaced by something odd (U+0000, a lone surrogate, a string of spaces, a decomposed é, a
 * huge string or number, a wrong type, an unknown or `__proto__` key), nesting around the 64-level
 * limit and 100,000 deep, top-level scalars, malformed text, form and text/plain bodies.
 */
export interface FuzzRoute {
  name: string;
  /** The path (called for each request: a route may use several ids). */
  url: () => string;
  /** Authorization, Idempotency-Key… (called for each request). */
  headers?: () => Record<string, string>;
  /** A body the route accepts (or would, but for the state of what it acts on): mutated one field at a time. */
  valid: Record<string, unknown>;
  /** Open311: errors are Open311's list `[{"code","description"}]`, not problem+json. */
  open311?: boolean;
}

export interface FuzzRequest {
  route: FuzzRoute;
  contentType: string;
  payload: string;
  /** How the payload was made, for the failure message. */
  how: string;
}

const HUGE = '"@@HUGE_NUMBER@@"';

const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uDFFF',
    'x\uDBFFy',
    '\uDC00\uD800',
    '     ',
    '\u3000\t\n ',
    ' cafe\u0301 ',
    ' 福缘里 3 号 ',
    '',
    '😀',
    'x'.repeat(4001),
    'x'.repeat(250_000), // parsed (under 256 KiB), then refused by the length rules
    'é'.repeat(140_000), // over 256 KiB in UTF-8: 413
  ),
);

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: oddString },
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER * 1024, -0, 0.1, 39.12, 117.2, 1, 0),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(oddString, { maxLength: 3 }),
  fc.dictionary(oddString, oddString, { maxKeys: 3 }),
  fc.constant(HUGE),
);

/** Every path into a JSON template (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function mutate(template: Record<string, unknown>, path: Array<string | number>, op: 'set' | 'delete' | 'add', value: unknown, key: string): unknown {
  const copy = JSON.parse(JSON.stringify(template)) as Record<string, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op === 'add' && !Array.isArray(parent)) {
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    parent[last] = value;
  }
  return copy;
}

function nest(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function formOf(value: unknown): string {
  // (URLSearchParams writes a lone surrogate as U+FFFD: a form body cannot carry one)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new URLSearchParams({ body: String(value) }).toString();
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) params.append(k, typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  return params.toString();
}

/** The odd requests for some routes. */
function oddRequests(routes: FuzzRoute[]): fc.Arbitrary<FuzzRequest> {
  const route = fc.constantFrom(...routes);
  const hugeNumber = fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890123456789', '1.0e-400', '-0');
  const body = route.chain((r) => {
    const paths = pathsOf(r.valid);
    const mutated = fc
      .record({ i: fc.nat(), op: fc.constantFrom('set', 'set', 'delete', 'add'), value: oddValue, key: oddString, huge: hugeNumber })
      .map(({ i, op, value, key, huge }) => {
        const path = paths[i % Math.max(1, paths.length)] ?? ['x'];
        const v = paths.length ? mutate(r.valid, path, op as 'set', value, key) : value;
        return { value: v, how: `${op} ${path.join('.')}`, huge };
      });
    const json = fc.oneof(
      { weight: 6, arbitrary: mutated },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ value, how: 'arbitrary JSON', huge: '1' })) },
      { weight: 1, arbitrary: fc.constant({ value: r.valid, how: 'valid', huge: '1' }) },
    );
    const raw = fc.oneof(
      fc.integer({ min: 60, max: 70 }).chain((n) => fc.constantFrom('array', 'object').map((k) => ({ text: nest(n, k as 'array'), how: `nested ${n} (${k})` }))),
      fc.constant({ text: nest(100_000, 'array'), how: 'nested 100,000' }),
      fc.constantFrom(
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '{" __proto__ ":{"polluted":true}}',
        '{"__proto__ ":[1]}',
        'null',
        '0',
        '-1',
        '1e999',
        '"text"',
        'true',
        '[]',
        '{}',
        '',
        '{"a":1,"a":2}',
        '{"title":"\\u0000"}',
        '{"reason":"\\ud800"}',
        '\uFEFF{}',
      ).map((text) => ({ text, how: 'raw' })),
      fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ text, how: 'garbage' })),
    );
    return fc.oneof(
      { weight: 8, arbitrary: json.map(({ value, how, huge }) => ({ route: r, how, value, text: (JSON.stringify(value) ?? 'null').split(HUGE).join(huge) })) },
      { weight: 2, arbitrary: raw.map(({ text, how }) => ({ route: r, how, value: undefined as unknown, text })) },
    );
  });
  return fc
    .tuple(body, fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain'))
    .map(([b, contentType]) => ({
      route: b.route,
      contentType,
      payload: contentType.startsWith('application/x-www-form-urlencoded') && b.value !== undefined ? formOf(b.value) : b.text,
      how: b.how,
    }));
}

export interface FuzzStats {
  requests: number;
  byStatus: Record<number, number>;
}

/**
 * Throws `numRuns` odd requests at the routes through `app.inject` and asserts, for each: no 5xx;
 * an error answer is problem+json (Open311: its error list); a refused request appends no event
 * (`countEvents` before and after; after an accepted one the count is taken again).
 */
export async function fuzzBoundary(
  svc: ServiceUnderTest,
  routes: FuzzRoute[],
  opts: { numRuns: number; countEvents: () => Promise<number>; seed?: number },
): Promise<FuzzStats> {
  const stats: FuzzStats = { requests: 0, byStatus: {} };
  let events = await opts.countEvents();
  await fc.assert(
    fc.asyncProperty(oddRequests(routes), async (req) => {
      const res = await svc.app.inject({
        method: 'POST',
        url: req.route.url(),
        headers: { ...(req.route.headers?.() ?? {}), 'content-type': req.contentType },
        payload: req.payload,
      });
      stats.requests += 1;
      stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
      const where = `${req.route.name} (${req.how}, ${req.contentType}, ${req.payload.length} chars): ${res.statusCode} ${res.body.slice(0, 300)}`;
      if (res.statusCode >= 500) throw new Error(`5xx for ${where}`);
      const now = await opts.countEvents();
      if (res.statusCode >= 400) {
        const type = String(res.headers['content-type'] ?? '');
        if (req.route.open311) {
          const list = JSON.parse(res.body) as Array<{ code: number; description: string }>;
          if (!type.startsWith('application/json') || !Array.isArray(list) || list[0]?.code !== res.statusCode) throw new Error(`not an Open311 error list: ${where}`);
        } else if (!type.startsWith('application/problem+json')) {
          throw new Error(`not problem+json: ${where}`);
        }
        if (now !== events) throw new Error(`${now - events} event(s) appended by a refused request: ${where}`);
      }
      events = now;
    }),
    { numRuns: opts.numRuns, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), endOnFailure: true },
  );
  return stats;
}

/** The number of runs for the boundary fuzz tests: `CHUISHAO_FUZZ_RUNS`, else `fallback`. */
export function fuzzRuns(fallback = 10_000): number {
  const n = Number(process.env.CHUISHAO_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

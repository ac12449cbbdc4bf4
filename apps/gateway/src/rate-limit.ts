import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, ProblemException, PROBLEM_TYPES } from '@chuishao/platform';

/** `public`: no sign-in (disclosure, Open311, the resident's feedback); `sign-in`: the routes that sign people in. */
export type RateClass = 'public' | 'sign-in';

/**
 * The rate-limited routes, by path prefix, so that routes added later under them are covered
 * from the start. Signed-in API calls are not limited here: a token already names the caller.
 */
export const RATE_LIMITED_PREFIXES: ReadonlyArray<readonly [string, RateClass]> = [
  ['/api/v1/public/', 'public'],
  ['/open311/v2/', 'public'],
  ['/api/v1/feedback/', 'public'],
  ['/feedback/', 'public'],
  ['/auth/', 'sign-in'],
];

/** The path as the router will see it: no query, percent-decoded, duplicate slashes collapsed, lower case. */
function normalisedPath(url: string): string {
  const path = url.split('?')[0];
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed escape: classify the raw path (the router refuses it anyway)
  }
  return decoded.replace(/\/{2,}/g, '/').toLowerCase();
}

/** Which limit applies to a request URL, if any (`/auth` and `/auth/…` alike). */
export function rateClassOf(url: string): RateClass | undefined {
  const path = normalisedPath(url);
  return RATE_LIMITED_PREFIXES.find(([prefix]) => path.startsWith(prefix) || path === prefix.slice(0, -1))?.[1];
}

export type RateLimits = Record<RateClass, number>;

const WINDOW_MS = 60_000;

function tooMany(retryAfterSeconds: number, max: number): ProblemException {
  return problem(
    429,
    PROBLEM_TYPES.TOO_MANY_REQUESTS.title,
    `请求过于频繁，请 ${retryAfterSeconds} 秒后再试（每个客户端每分钟 ${max} 次）/ Too many requests: retry in ${retryAfterSeconds} s (limit ${max} per minute per client)`,
    undefined,
    { headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

/**
 * Per-client limits (the client address after the trusted proxies; IPv6 by /64) on the
 * {@link RATE_LIMITED_PREFIXES}, in memory per gateway process. Past the limit: 429
 * `application/problem+json` with `Retry-After` (seconds). Runs as a root onRequest hook, so it
 * covers proxied, static and 404 routes alike and answers before any upstream is asked.
 */
export async function installRateLimits(fastify: FastifyInstance, limits: RateLimits): Promise<void> {
  await fastify.register(rateLimit, { global: false });
  const limiter = (cls: RateClass) =>
    fastify.rateLimit({
      max: limits[cls],
      timeWindow: WINDOW_MS,
      keyGenerator: (req: FastifyRequest) => `${cls}|${normalizeIP(req.ip)}`,
      errorResponseBuilder: (_req, context) => tooMany(Math.max(1, Math.ceil(context.ttl / 1000)), context.max),
    });
  const limiters: Record<RateClass, ReturnType<typeof limiter>> = { public: limiter('public'), 'sign-in': limiter('sign-in') };

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const cls = rateClassOf(request.url);
    if (!cls) return undefined;
    try {
      await limiters[cls].call(fastify, request, reply);
    } catch (err: unknown) {
      if (!(err instanceof ProblemException)) throw err;
      for (const [name, value] of Object.entries(err.headers)) void reply.header(name, value);
      return reply.code(err.problem.status).type('application/problem+json; charset=utf-8').send(err.problem);
    }
    return undefined;
  });
}

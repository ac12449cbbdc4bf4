import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { BODY_LIMIT_BYTES, PROBLEM_TYPES, ProblemException } from '@chuishao/platform';
import { routeFor, type ServiceName } from './routes';
import { CROSS_SITE, isCrossSite, sessionIdOf } from './auth/routes';
import type { SignIn } from './auth/sign-in';

function problem(reply: FastifyReply, info: { type: string; status: number; title: string }, detail: string) {
  return reply.code(info.status).type('application/problem+json').send({ type: info.type, title: info.title, status: info.status, detail });
}

/** Headers a client could use to pose as another address, host or scheme behind the gateway. */
const FORWARDED_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-prefix', 'x-real-ip'];

/**
 * The request headers for the service: whatever forwarding headers the client sent are dropped,
 * and X-Forwarded-For/-Host/-Proto say what the gateway itself established — the client address,
 * host and scheme, read from forwarded headers only when they came from a trusted proxy
 * (CHUISHAO_TRUSTED_PROXIES). The services trust the gateway (loopback) and nobody else.
 */
export function forwardedHeaders(
  request: Pick<FastifyRequest, 'ip' | 'host' | 'protocol'>,
  headers: Record<string, string | string[] | number | undefined>,
  accessToken?: string,
): Record<string, string | string[] | number | undefined> {
  const out = { ...headers };
  for (const h of FORWARDED_HEADERS) delete out[h];
  // the browser's cookies stay at the gateway; a session becomes the bearer token it holds
  delete out['cookie'];
  if (accessToken && !out['authorization']) out['authorization'] = `Bearer ${accessToken}`;
  out['x-forwarded-for'] = request.ip;
  out['x-forwarded-host'] = request.host;
  out['x-forwarded-proto'] = request.protocol;
  return out;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Forwards /api/v1/* and /open311/v2/* to the service that owns the path, body untouched (the
 * service validates it), with the client's address in X-Forwarded-For ({@link forwardedHeaders}). Bodies over 256 KiB are
 * refused here already (413), and an unreachable service is a 502/504 problem, never a hang.
 * A request with the console's session cookie and no Authorization header is forwarded with the
 * session's access token as bearer (a cross-site one that would change something is refused);
 * API clients' bearer tokens pass unchanged. Answers stream through as they come (server-sent
 * events included).
 */
export async function registerProxy(fastify: FastifyInstance, bases: Record<ServiceName, string>, signIn?: SignIn): Promise<void> {
  await fastify.register(async (scope) => {
    await scope.register(replyFrom, {
      undici: { connections: 256, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 120_000 },
    });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: { code?: string; statusCode?: number; message: string }, _req, reply) => {
      // the platform's own refusals (the text rules on the query, contract §10) keep their problem
      if (err instanceof ProblemException) {
        for (const [name, value] of Object.entries(err.headers)) void reply.header(name, value);
        return reply.code(err.problem.status).type('application/problem+json').send(err.problem);
      }
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problem(reply, PROBLEM_TYPES.PAYLOAD_TOO_LARGE, '请求体超过 256 KiB / The request body exceeds 256 KiB');
      return problem(reply, PROBLEM_TYPES.BAD_GATEWAY, err.message);
    });
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const service = routeFor(req.url);
      if (!service) return problem(reply, PROBLEM_TYPES.NOT_FOUND, `没有这个接口 / No route for ${req.method} ${req.url.split('?')[0]}`);
      const sessionId = req.headers.authorization ? undefined : sessionIdOf(req);
      if (sessionId && UNSAFE.has(req.method) && isCrossSite(req)) {
        return reply.code(403).type('application/problem+json').send(CROSS_SITE.problem);
      }
      const accessToken = sessionId && signIn ? await signIn.accessToken(sessionId) : undefined;
      const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
      return reply.from(`${bases[service]}${req.url}`, {
        // the body is the client's bytes, forwarded as they came (reply-from would re-encode JSON)
        ...(raw ? { body: raw, contentType: req.headers['content-type'] ?? 'application/octet-stream' } : {}),
        rewriteRequestHeaders: (request, headers) => forwardedHeaders(request, headers, accessToken) as typeof headers,
        onError: (rep, { error }) => {
          const timeout = /timeout/i.test(error.message);
          void problem(rep as unknown as FastifyReply, timeout ? PROBLEM_TYPES.GATEWAY_TIMEOUT : PROBLEM_TYPES.BAD_GATEWAY, `${service} 服务不可达 / ${service} is unreachable`);
        },
      });
    };
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
    scope.route({ method: [...methods], url: '/api/v1/*', handler });
    scope.route({ method: [...methods], url: '/open311/v2/*', handler });
  });
}

import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '@chuishao/platform';
import { SignIn, SignInError } from './sign-in';

/** The session cookie: a signed random id; the tokens stay in the gateway. */
export const SESSION_COOKIE = 'chuishao_session';
/** The sign-in in progress (state, nonce, PKCE verifier kept server-side), for /auth/callback only. */
export const LOGIN_COOKIE = 'chuishao_login';

function send(reply: FastifyReply, err: ProblemException): FastifyReply {
  for (const [name, value] of Object.entries(err.headers)) void reply.header(name, value);
  return reply.code(err.problem.status).type('application/problem+json; charset=utf-8').header('cache-control', 'no-store').send(err.problem);
}

/**
 * A browser request made by another site: `Sec-Fetch-Site: cross-site`, or an `Origin` of another
 * host. With SameSite=Lax such requests carry no cookie anyway; this refuses them outright when
 * they would act with the session (defence in depth).
 */
export function isCrossSite(req: Pick<FastifyRequest, 'headers' | 'host'>): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== req.host;
  } catch {
    return true;
  }
}

export const CROSS_SITE = new ProblemException({ type: 'https://chuishao.dev/problems/forbidden', title: '无权访问 / Forbidden', status: 403, detail: '跨站请求被拒绝 / A cross-site request may not use the session' });

/** The session of a request: the id in its signed cookie (undefined when missing or forged). */
export function sessionIdOf(req: FastifyRequest): string | undefined {
  const raw = req.cookies?.[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = req.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/**
 * The sign-in routes of the gateway (contract §16), under /auth/ (rate-limited as sign-in):
 * `GET /auth/login` → the provider; `GET /auth/callback` → the session cookie and the console;
 * `POST /auth/logout` → `{"redirect"}`: the provider's end-session URL for the browser to open;
 * `GET /auth/me` → who is signed in (401 without a session). Without an issuer configured,
 * login answers 503 and me 401.
 */
export async function registerSignIn(
  fastify: FastifyInstance,
  o: { signIn?: SignIn; secret: string; redirectUri: string; log: { warn(obj: object, msg: string): void } },
): Promise<void> {
  // without sign-in configured the cookies are never set; a random secret keeps forged ones invalid
  await fastify.register(fastifyCookie, { secret: o.secret || randomBytes(32).toString('hex') });
  const secure = new URL(o.redirectUri).protocol === 'https:';
  const consoleUrl = `${new URL(o.redirectUri).origin}/`;
  const cookie = (path: string, maxAge?: number) => ({ path, httpOnly: true, sameSite: 'lax' as const, secure, signed: true, ...(maxAge ? { maxAge } : {}) });
  const { signIn } = o;

  fastify.get('/auth/login', async (_req, reply) => {
    if (!signIn) return send(reply, ProblemException.serviceUnavailable('未配置登录（CHUISHAO_OIDC_ISSUER）/ Sign-in is not configured'));
    try {
      const { loginId, url } = await signIn.begin();
      return reply.setCookie(LOGIN_COOKIE, loginId, cookie('/auth/', 600)).header('cache-control', 'no-store').redirect(url.href, 302);
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'sign-in: the identity provider is unreachable');
      return send(reply, ProblemException.serviceUnavailable('身份提供方暂不可用，请稍后再试 / The identity provider is unreachable; try again later'));
    }
  });

  fastify.get('/auth/callback', async (req, reply) => {
    void reply.clearCookie(LOGIN_COOKIE, cookie('/auth/')).header('cache-control', 'no-store');
    const raw = req.cookies[LOGIN_COOKIE];
    const login = raw ? req.unsignCookie(raw) : undefined;
    if (!signIn) return reply.redirect('/#/signin/failed', 303);
    try {
      const { sessionId } = await signIn.complete(login?.valid ? (login.value ?? undefined) : undefined, req.url.split('?')[1] ?? '');
      return reply.setCookie(SESSION_COOKIE, sessionId, cookie('/')).redirect('/', 303);
    } catch (err) {
      o.log.warn({ reason: err instanceof SignInError ? err.message : 'unexpected' }, 'sign-in failed');
      return reply.redirect('/#/signin/failed', 303);
    }
  });

  fastify.post('/auth/logout', async (req, reply) => {
    if (isCrossSite(req)) return send(reply, CROSS_SITE);
    const endSession = signIn ? await signIn.end(sessionIdOf(req), consoleUrl) : undefined;
    return reply.clearCookie(SESSION_COOKIE, cookie('/')).header('cache-control', 'no-store').send({ redirect: endSession?.href ?? '/' });
  });

  fastify.get('/auth/me', async (req, reply) => {
    const me = signIn ? await signIn.me(sessionIdOf(req)) : undefined;
    if (!me) return send(reply, ProblemException.unauthenticated('未登录或登录已失效 / Not signed in, or the session has expired', {}));
    return reply.header('cache-control', 'no-store').send(me);
  });
}

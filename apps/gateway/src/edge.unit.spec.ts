import Fastify from 'fastify';
import { trustProxyOption } from '@chuishao/platform';
import { publicHealth } from './health';
import { forwardedHeaders } from './proxy';
import { installRateLimits, rateClassOf } from './rate-limit';

describe('rate limits by path prefix', () => {
  it.each([
    ['/api/v1/public/board', 'public'],
    ['/api/v1/public/whistles?streetId=x', 'public'],
    ['/api/v1/public', 'public'],
    ['/API/v1//%70ublic/board', 'public'],
    ['/open311/v2/requests.json', 'public'],
    ['/api/v1/feedback/tok', 'public'],
    ['/feedback/tok', 'public'],
    ['/auth/login', 'sign-in'],
    ['/auth/callback?code=1', 'sign-in'],
    ['/api/v1/whistles', undefined],
    ['/api/v1/publications', undefined],
    ['/', undefined],
    ['/docs', undefined],
  ])('%s → %s', (url, cls) => expect(rateClassOf(url)).toBe(cls));

  async function server(remote: string[]) {
    const fastify = Fastify({ trustProxy: trustProxyOption([]) });
    await installRateLimits(fastify, { public: 3, 'sign-in': 2 });
    fastify.get('/api/v1/public/board', () => ({ ok: true }));
    fastify.get('/api/v1/whistles', () => ({ ok: true }));
    fastify.get('/auth/login', () => ({ ok: true }));
    let i = 0;
    const hit = (url: string, headers: Record<string, string> = {}) =>
      fastify.inject({ method: 'GET', url, remoteAddress: remote[i++ % remote.length], headers });
    return { fastify, hit };
  }

  it('answers 429 problem+json with Retry-After past the limit, per client, before the route runs', async () => {
    const { fastify, hit } = await server(['198.51.100.1']);
    for (let n = 0; n < 3; n++) expect((await hit('/api/v1/public/board')).statusCode).toBe(200);
    const refused = await hit('/api/v1/public/board');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ type: 'https://chuishao.dev/problems/too-many-requests', status: 429, title: '请求过于频繁 / Too many requests' });
    expect(refused.json().detail).toMatch(/^请求过于频繁/);
    // a signed-in route is not limited; the sign-in routes have their own budget
    expect((await hit('/api/v1/whistles')).statusCode).toBe(200);
    expect((await hit('/auth/login')).statusCode).toBe(200);
    expect((await hit('/auth/login')).statusCode).toBe(200);
    expect((await hit('/auth/login')).statusCode).toBe(429);
    // an unknown path under a limited prefix counts too (routes landing later are covered)
    expect((await hit('/api/v1/public/not-yet')).statusCode).toBe(429);
    await fastify.close();
  });

  it('counts per client: another address has its own budget, and X-Forwarded-For from an untrusted client changes nothing', async () => {
    const { fastify, hit } = await server(['198.51.100.2']);
    for (let n = 0; n < 3; n++) expect((await hit('/api/v1/public/board', { 'x-forwarded-for': `203.0.113.${n}` })).statusCode).toBe(200);
    expect((await hit('/api/v1/public/board', { 'x-forwarded-for': '203.0.113.99' })).statusCode).toBe(429);
    await fastify.close();
    const other = await server(['198.51.100.3', '198.51.100.4']);
    for (let n = 0; n < 6; n++) expect((await other.hit('/api/v1/public/board')).statusCode).toBe(200);
    await other.fastify.close();
  });
});

describe('forwardedHeaders', () => {
  it("replaces the client's forwarding headers by what the gateway established", () => {
    const out = forwardedHeaders(
      { ip: '198.51.100.7', host: 'chuishao.example', protocol: 'https' },
      { host: '127.0.0.1:8081', 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil.example', forwarded: 'for=6.6.6.6;host=evil.example', 'x-real-ip': '6.6.6.6', authorization: 'Bearer t' },
    );
    expect(out).toEqual({ host: '127.0.0.1:8081', authorization: 'Bearer t', 'x-forwarded-for': '198.51.100.7', 'x-forwarded-host': 'chuishao.example', 'x-forwarded-proto': 'https' });
  });
});

describe('publicHealth', () => {
  it('keeps statuses, drops causes, errors and anything else', () => {
    const shown = publicHealth({
      status: 'error',
      checks: {
        intake: { status: 'degraded', checks: { postgres: { status: 'up' }, consumers: { status: 'degraded', cause: 'lag 42 on 10.0.0.5:9092' } } },
        triage: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:8082' },
        dispatch: { status: 'down', checks: { kafka: { status: 'down', error: 'broker 10.0.0.5 unreachable' } }, error: 'HTTP 503' },
      },
    });
    expect(shown).toEqual({
      status: 'error',
      checks: {
        intake: { status: 'degraded', checks: { postgres: { status: 'up' }, consumers: { status: 'degraded' } } },
        triage: { status: 'down' },
        dispatch: { status: 'down', checks: { kafka: { status: 'down' } } },
      },
    });
  });
});

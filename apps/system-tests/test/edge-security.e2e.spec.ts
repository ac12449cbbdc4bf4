import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually, TEST_JWT_SECRET } from '@chuishao/testing';
import { TestStack } from '../src/harness';
import { accountOf, describeIfChromium, launchConsoleBrowser, signIn, expectAccessible } from './browser';

const catalog = defaultCatalog();
const street = catalog.streets[0];
const department = catalog.departments[0];
const PUBLIC_PER_MIN = 10;
const AUTH_PER_MIN = 3;

/** The CSP as a map directive → sources. */
function csp(header: string | null): Record<string, string> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
  );
}

function expectEdgeHeaders(headers: Headers, where: string): void {
  expect({ where, nosniff: headers.get('x-content-type-options') }).toEqual({ where, nosniff: 'nosniff' });
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  const policy = csp(headers.get('content-security-policy'));
  expect(policy['frame-ancestors']).toBe("'none'");
  expect(policy['script-src']).toBe("'self'");
  expect(policy['object-src']).toBe("'none'");
}

const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = (): number => Math.floor(Date.now() / 1000);

/**
 * The hardened HTTP edge of the running system (contract §14, issue #25): security headers on
 * API answers, console pages and /docs, a console that runs under its CSP in a real browser,
 * forwarded headers ignored from untrusted clients, bad tokens refused through the gateway, the
 * metrics and health details off the public port, and per-client rate limits with Retry-After.
 */
describe('the HTTP edge', () => {
  const stack = new TestStack('edge', {
    CHUISHAO_RATE_LIMIT_PUBLIC_PER_MIN: String(PUBLIC_PER_MIN),
    CHUISHAO_RATE_LIMIT_AUTH_PER_MIN: String(AUTH_PER_MIN),
  });

  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('puts the security headers on API answers, errors, console pages and /docs', async () => {
    const token = await stack.token('street', street.id);
    const api = await stack.http('GET', '/api/v1/catalog', { token });
    expect(api.status).toBe(200);
    expectEdgeHeaders(api.headers, 'api');
    expect(csp(api.headers.get('content-security-policy'))['style-src']).toBe("'self'");

    const refused = await stack.http('GET', '/api/v1/catalog');
    expect(refused.status).toBe(401);
    expectEdgeHeaders(refused.headers, 'problem');

    for (const path of ['/', '/feedback/some-token', '/js/app.js']) {
      const page = await fetch(`${stack.base}${path}`);
      expect(page.status).toBe(200);
      expectEdgeHeaders(page.headers, path);
      expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-/);
    }

    const docs = await fetch(`${stack.base}/docs`);
    expect(docs.status).toBe(200);
    expectEdgeHeaders(docs.headers, '/docs');
    expect(csp(docs.headers.get('content-security-policy'))['style-src']).toBe("'self' 'unsafe-inline'");
    // no inline script on the page, and no validator image from elsewhere
    expect(await docs.text()).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(await (await fetch(`${stack.base}/docs/swagger-ui-init.js`)).text()).toContain('"validatorUrl": null');
  });

  it('refuses bad tokens with 401 problem+json through the gateway', async () => {
    const sign = (jwt: SignJWT, key = secret) => jwt.setProtectedHeader({ alg: 'HS256' }).setSubject('x').sign(key);
    const bad: Record<string, string> = {
      'no exp': await sign(new SignJWT({ role: 'admin' }).setIssuedAt()),
      'longer than 24 h': await sign(new SignJWT({ role: 'admin' }).setIssuedAt(now() - 60).setExpirationTime(now() + 25 * 3600)),
      'another key': await sign(new SignJWT({ role: 'admin' }).setIssuedAt().setExpirationTime('1h'), new TextEncoder().encode('x'.repeat(48))),
      'alg none': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', iat: now(), exp: now() + 60 })).toString('base64url')}.`,
      expired: await sign(new SignJWT({ role: 'admin' }).setIssuedAt(now() - 7200).setExpirationTime(now() - 3600)),
    };
    for (const [why, token] of Object.entries(bad)) {
      const res = await stack.http('GET', '/api/v1/whistles', { token });
      expect({ why, status: res.status }).toEqual({ why, status: 401 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      expect(res.json).toMatchObject({ type: 'https://chuishao.dev/problems/unauthenticated', status: 401 });
    }
  });

  it('keeps /metrics and the health details off the public port', async () => {
    expect((await stack.http('GET', '/metrics')).status).toBe(404);

    const health = await stack.http('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json.status).toBe('ok');
    expect(health.json.checks.intake).toEqual({ status: 'up', checks: { postgres: { status: 'up' }, kafka: { status: 'up' }, consumers: { status: 'up' } } });
    expect(health.text).not.toMatch(/error|cause|127\.0\.0\.1|:\d{4,5}/);

    const metrics = await fetch(`${stack.internalBase}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/http_request_duration_seconds_count\{[^}]*service="gateway"/);
    const detailed = await fetch(`${stack.internalBase}/health`);
    expect(detailed.status).toBe(200);
    expect(((await detailed.json()) as { status: string }).status).toBe('ok');
  });

  it("ignores an untrusted client's X-Forwarded-For and X-Forwarded-Host", async () => {
    const forged = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'for=6.6.6.6;host=evil.example' };
    const discovery = await stack.http('GET', '/open311/v2/discovery.json', { headers: forged });
    expect(discovery.status).toBe(200);
    const url = discovery.json.endpoints[0].url as string;
    expect(url).not.toContain('evil.example');
    expect(url).not.toContain(`:${stack.ports.intake}`); // never the service's own address either
    expect(url).toMatch(/^http:\/\//);

    const token = await stack.token('street', street.id);
    expect((await stack.http('GET', '/api/v1/catalog', { token, headers: forged })).status).toBe(200);
    // neither the gateway nor the service took the forged address for the client's
    await eventually(async () => readFileSync(join(stack.logDir, 'intake.log'), 'utf8').includes('/api/v1/catalog'), 5000);
    for (const log of readdirSync(stack.logDir)) expect({ log, forged: readFileSync(join(stack.logDir, log), 'utf8').includes('6.6.6.6') }).toEqual({ log, forged: false });
  });

  it('answers 429 problem+json with Retry-After past the per-client public rate, whatever X-Forwarded-For says', async () => {
    let allowed = 0;
    let last: Awaited<ReturnType<TestStack['http']>> | undefined;
    for (let i = 0; i <= PUBLIC_PER_MIN; i++) {
      last = await stack.http('GET', '/open311/v2/services.json', { headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      if (last.status === 429) break;
      expect(last.status).toBe(200);
      allowed += 1;
    }
    expect(allowed).toBeLessThanOrEqual(PUBLIC_PER_MIN);
    expect(last!.status).toBe(429);
    expect(last!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last!.json).toMatchObject({ type: 'https://chuishao.dev/problems/too-many-requests', status: 429, title: '请求过于频繁 / Too many requests' });
    expectEdgeHeaders(last!.headers, '429');
    // the other public prefixes share the client's budget; signed-in API calls are not limited
    expect((await stack.http('GET', '/api/v1/public/board')).status).toBe(429);
    expect((await stack.http('GET', '/api/v1/catalog', { token: await stack.token('command-center') })).status).toBe(200);
    // the sign-in routes have a budget of their own
    const signIn = [];
    for (let i = 0; i <= AUTH_PER_MIN; i++) signIn.push((await stack.http('GET', '/auth/login')).status);
    expect(signIn[AUTH_PER_MIN]).toBe(429);
    expect(signIn.slice(0, AUTH_PER_MIN)).not.toContain(429);
  });
});

const describeBrowser = describeIfChromium('edge-security (browser)');

/** Every console page in Chromium, under the CSP the gateway sends: no "Refused to …" anywhere. */
describeBrowser('the console under its Content-Security-Policy', () => {
  const stack = new TestStack('edge-csp');
  let launched: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  let browser: BrowserContext;
  const violations: string[] = [];
  const pageErrors: string[] = [];
  let whistleId = '';

  beforeAll(async () => {
    await stack.start();
    launched = await launchConsoleBrowser();
    browser = launched.browser;
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: await stack.token('street', street.id),
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode: 'FIRE_LANE_BLOCKED', title: '消防通道被占用', description: '早餐车占用消防通道。', location: { address: '和平区劝业场街道福缘里 3 号' } },
    });
    expect(created.status).toBe(201);
    whistleId = created.json.id as string;
  });
  afterAll(async () => {
    await launched?.close();
    await stack.stop();
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => {
      // Chromium: "Refused to …" or, since 2024, "Executing inline script violates … Content Security Policy …"
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  async function visit(page: Page, hash: string): Promise<void> {
    await page.goto(`${stack.base}/${hash}`);
    await page.waitForLoadState('networkidle');
    await page.locator('main h1, main h2').first().waitFor();
  }

  // contract §16 accounts (browser.ts signIn); every page also gets the axe-core WCAG 2.1 AA scan
  const pages: Array<[string, string, string[]]> = [
    ['street', accountOf('street', street.id), ['#/blow', '#/whistles', '#/ratings']],
    ['department', accountOf('department', department.id), ['#/assignments', '#/my-score']],
    ['command-center', 'command-center', ['#/board', '#/whistles', '#/disputes', '#/extensions', '#/scorecards', '#/annual', '#/analytics']],
    ['assessment-office', 'assessment-office', ['#/scorecards', '#/annual', '#/appeals', '#/analytics']],
  ];

  it.each(pages)('runs every %s page without a CSP violation', async (_role, account, hashes) => {
    const page = await open();
    await signIn(page, stack, account);
    for (const hash of hashes) {
      await visit(page, hash);
      await expectAccessible(page, `${_role} ${hash}`);
    }
    if (_role === 'street') {
      await visit(page, `#/whistles/${whistleId}`);
      await page.getByTestId('timeline').waitFor({ state: 'attached' }); // collapsed until opened
      await expectAccessible(page, 'street whistle');
    }
    await page.close();
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("runs the resident's feedback page and the API docs without a CSP violation", async () => {
    const page = await open();
    await page.goto(`${stack.base}/feedback/not-a-real-token`);
    await page.waitForLoadState('networkidle');
    await page.locator('main .notice, main h1').first().waitFor();
    await expectAccessible(page, 'resident page');
    await page.goto(`${stack.base}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.opblock').first().waitFor();
    await page.close();
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('would notice a violation: an inline script is refused and reported', async () => {
    const page = await open();
    await page.goto(`${stack.base}/`);
    const reported = page.waitForEvent('console', { predicate: (m) => /inline script.*Content Security Policy/i.test(m.text()), timeout: 10_000 });
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.append(s);
      return (window as unknown as { __inline?: boolean }).__inline === true;
    });
    await reported;
    await page.close();
    expect(ran).toBe(false);
    expect(violations.some((v) => /inline script.*Content Security Policy/i.test(v))).toBe(true);
    violations.length = 0;
  });
});

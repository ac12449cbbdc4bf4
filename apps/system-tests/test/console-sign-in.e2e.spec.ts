import type { Page, Request } from 'playwright-core';
import { defaultCatalog } from '@chuishao/catalog';
import { consoleSuite, describeIfChromium, signIn } from './browser';

const QUANYECHANG = defaultCatalog().streets.find((s) => s.code === 'QUANYECHANG')!;
const describeConsole = describeIfChromium('console-sign-in');

/**
 * Sign-in for people (contract §16), in Chromium: the console's one button, the local provider's
 * login page with a §16 account, the street's name on the page, the API called through the
 * gateway's session — and no token ever within the page's reach — then sign-out, which ends the
 * session at the gateway and at the provider.
 */
describeConsole('console: sign-in through the OpenID Provider', () => {
  const { stack, pageErrors, browser, open: newPage } = consoleSuite('console-sign-in');
  const requests: Request[] = [];

  async function open(): Promise<Page> {
    const page = await newPage();
    page.on('request', (r) => requests.push(r));
    return page;
  }

  it('has one sign-in button and no token field or command on the sign-in page', async () => {
    const page = await open();
    await page.goto(`${stack.base}/`);
    await page.waitForURL(/#\/signin$/);
    await page.getByRole('button', { name: /^登录/ }).waitFor();
    expect(await page.locator('main button').count()).toBe(1);
    expect(await page.locator('main textarea, main input').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/令牌|token|JWT|npm/i);
    await page.close();
  });

  it('signs in as street.QUANYECHANG, shows the street by name and calls the API through the session; no token reaches the page', async () => {
    const page = await open();
    await signIn(page, stack, 'street.QUANYECHANG');
    await page.getByTestId('whoami').getByText(QUANYECHANG.name).waitFor();

    const me = await page.evaluate(async () => (await fetch('/auth/me')).json());
    expect(me).toMatchObject({ role: 'street', organisation: { id: QUANYECHANG.id, name: '劝业场街道' } });
    const api = await page.evaluate(async () => {
      const r = await fetch('/api/v1/whistles');
      return { status: r.status, body: await r.json() };
    });
    expect(api.status).toBe(200);
    expect(Array.isArray(api.body.items)).toBe(true);

    // the page holds no token: no Authorization header from the page, nothing in storage, no cookie readable by script
    const toGateway = requests.filter((r) => r.url().startsWith(stack.base));
    expect(toGateway.length).toBeGreaterThan(3);
    expect(toGateway.filter((r) => r.headers()['authorization'])).toEqual([]);
    const visible = await page.evaluate(() => ({ cookie: document.cookie, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }));
    expect(visible.cookie).toBe('');
    for (const v of [visible.local, visible.session]) expect(v).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    const cookies = await browser().cookies(stack.base);
    const session = cookies.find((c) => c.name === 'chuishao_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    expect(session!.value).not.toMatch(/^eyJ/);
    await page.close();
  });

  it('signs out: the session is gone at the gateway and at the provider', async () => {
    const page = await open();
    await signIn(page, stack, 'street.QUANYECHANG');
    const cookie = (await browser().cookies(stack.base)).find((c) => c.name === 'chuishao_session')!;
    const withOldCookie = { headers: { cookie: `chuishao_session=${cookie.value}` } };
    expect((await fetch(`${stack.base}/auth/me`, withOldCookie)).status).toBe(200);

    await page.getByRole('button', { name: /^退出/ }).click();
    await page.waitForURL(/#\/signin$/);
    await page.getByRole('button', { name: /^登录/ }).waitFor();
    // the gateway forgot the session: the old cookie is worth nothing, for /auth/me and the API
    expect((await fetch(`${stack.base}/auth/me`, withOldCookie)).status).toBe(401);
    expect((await fetch(`${stack.base}/api/v1/whistles`, withOldCookie)).status).toBe(401);
    // the provider forgot it too: signing in again asks for the password
    await page.getByRole('button', { name: /^登录/ }).click();
    await page.waitForURL((url) => url.href.startsWith(stack.issuer));
    await page.getByLabel(/^密码/).waitFor();
    await page.close();
  });

  it('refuses a wrong password on the provider’s page, in Chinese', async () => {
    const page = await open();
    await browser().clearCookies();
    await page.goto(`${stack.base}/auth/login`);
    await page.getByLabel(/^用户名/).fill('street.QUANYECHANG');
    await page.getByLabel(/^密码/).fill('wrong');
    await page.getByRole('button', { name: /^登录/ }).click();
    await page.getByRole('alert').getByText('用户名或密码错误').waitFor();
    await page.close();
  });

  it('returns to the sign-in page without a stale error once the session ends, and a good sign-in leaves no error behind', async () => {
    const page = await open();
    await signIn(page, stack, 'command-center');
    await browser().clearCookies();
    await page.goto(`${stack.base}/#/whistles`);
    await page.waitForURL(/#\/signin$/);
    await signIn(page, stack, 'command-center');
    await page.waitForURL(/#\/(board|whistles)$/);
    expect(await page.locator('#toasts .toast.error').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('keeps bearer tokens working for API clients, and refuses a forged session cookie', async () => {
    expect((await stack.http('GET', '/api/v1/catalog', { token: await stack.token('street', QUANYECHANG.id) })).status).toBe(200);
    expect((await fetch(`${stack.base}/auth/me`, { headers: { cookie: 'chuishao_session=forged.value' } })).status).toBe(401);
    expect((await fetch(`${stack.base}/api/v1/whistles`, { headers: { cookie: 'chuishao_session=forged.value' } })).status).toBe(401);
  });
});

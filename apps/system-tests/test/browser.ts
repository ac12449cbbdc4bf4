import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '@chuishao/auth';
import { defaultCatalog } from '@chuishao/catalog';
import { TestStack } from '../src/harness';

/** Debian's Chromium, driven by playwright-core (never a browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the console tests leave their screenshots (git-ignored). */
export const SCREENSHOTS = join(__dirname, '../../../.data/screenshots');

/** `describe` when Chromium is installed; otherwise `describe.skip`, with a line saying how to install it. */
export function describeIfChromium(label: string): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  console.warn(`${label}: SKIPPED — ${CHROMIUM} not found (install it with: apt-get update && apt-get install -y chromium)`);
  return describe.skip;
}

/**
 * Debian's Chromium, headless, in Chinese and Beijing time, with a fresh profile (Playwright takes
 * the user-data-dir as the persistent context's directory); `close` also removes the profile.
 */
export async function launchConsoleBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'chuishao-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true, // the exports are downloaded
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a console spec's describe block works in: the running system, one browser, the pages it opens. */
export interface ConsoleSuite {
  stack: TestStack;
  /** The uncaught errors of every page {@link ConsoleSuite.open} opened: a spec ends expecting none. */
  pageErrors: string[];
  /** The browser (one context: its pages share the cookies, so one person is signed in at a time). */
  browser(): BrowserContext;
  /** A new page, at `viewport` if given, signed in as `account` (see {@link signIn}) if given. */
  open(account?: string | null, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * The setup and teardown every console spec shares, for the describe block it is called in: the
 * whole system started (a TestStack named `label`) and Debian's Chromium launched before its tests,
 * both stopped after; the screenshots' folder made.
 */
export function consoleSuite(label: string): ConsoleSuite {
  const stack = new TestStack(label);
  const pageErrors: string[] = [];
  let launched: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await stack.start();
    launched = await launchConsoleBrowser();
  });
  afterAll(async () => {
    await launched?.close();
    await stack.stop();
  });
  const browser = (): BrowserContext => {
    if (!launched) throw new Error(`${label}: the browser is launched before the suite's tests, not before`);
    return launched.browser;
  };
  return {
    stack,
    pageErrors,
    browser,
    async open(account, viewport) {
      const page = await browser().newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (err) => pageErrors.push(err.message));
      if (account) await signIn(page, stack, account);
      return page;
    },
  };
}

/** The password of every account of the development provider (contract §16). */
export const DEV_PASSWORD = 'chuishao-dev';

/**
 * Signs a console page in as one of contract §16's accounts — `<role>` or `<role>.<ORG CODE>`
 * (e.g. `street.QUANYECHANG`, `department.FIRE_RESCUE`, `command-center`) — the way a person does:
 * the console's one sign-in button, the stack's OpenID Provider's login page, back to the console,
 * and waits until it shows who is signed in. Every browser test signs in through here.
 *
 * The browser context's cookies are cleared first: one context holds one session at a time (the
 * session is a cookie, shared by the context's pages), so signing in replaces the previous person.
 */
export async function signIn(page: Page, stack: TestStack, account: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${stack.base}/#/signin`);
  await page.getByRole('button', { name: /^登录/ }).click();
  await page.waitForURL((url) => url.href.startsWith(stack.issuer));
  await page.getByLabel(/^用户名/).fill(account);
  await page.getByLabel(/^密码/).fill(DEV_PASSWORD);
  await page.getByRole('button', { name: /^登录/ }).click();
  await page.waitForURL((url) => url.href.startsWith(stack.base));
  await page.getByTestId('whoami').waitFor();
}

/** The §16 account of a role and organisation id: `street.QUANYECHANG`, `department.FIRE_RESCUE`, `command-center`. */
export function accountOf(role: Role, orgId?: string): string {
  if (!orgId) return role;
  const catalog = defaultCatalog();
  const org = role === 'street' ? catalog.streets.find((s) => s.id === orgId) : catalog.departments.find((d) => d.id === orgId);
  if (!org) throw new Error(`no ${role} with id ${orgId}`);
  return `${role}.${org.code}`;
}

/** The two sizes every journey is walked at: a phone and a desktop. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };

/**
 * WCAG 2.1 A/AA by axe-core on the page as it is now; fails on any serious or critical violation,
 * naming the rule and the first offending elements.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect({ page: label, violations: text }).toEqual({ page: label, violations: [] });
}

/** The whistle-facing text a person sees in main (closed <details> and hidden elements excluded). */
export async function visibleText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

/** What never belongs in plain view: ids, raw instants, the zone's name, dev account names, "null". */
export const DEVELOPER_WORDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}T\d{2}:|Asia\/Shanghai|\bdev-[a-z]|\bnull\b|\bundefined\b|\b\d{4}-W\d{2}\b/i;

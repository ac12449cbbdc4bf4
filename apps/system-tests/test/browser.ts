import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '@chuishao/auth';
import { defaultCatalog } from '@chuishao/catalog';
import type { TestStack } from '../src/harness';

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

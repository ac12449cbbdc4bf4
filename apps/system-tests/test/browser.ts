import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
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

/**
 * Signs a console page in as one of contract §16's accounts — `<role>` or `<role>.<ORG CODE>`
 * (e.g. `street.QUANYECHANG`, `department.FIRE_RESCUE`, `command-center`) — and waits until the
 * console shows who is signed in. Every browser test signs in through here, so how the console
 * signs people in changes in one place.
 */
export async function signIn(page: Page, stack: TestStack, account: string): Promise<void> {
  const [role, code] = account.split('.') as [Role, string | undefined];
  const org = code ? orgOf(role, code) : undefined;
  await page.goto(`${stack.base}/`);
  await page.getByLabel('访问令牌（JWT）').fill(await stack.token(role, org?.id));
  await page.getByText(/^角色：/).waitFor();
  await page.getByRole('button', { name: /^登录/ }).click();
  await page.getByTestId('whoami').waitFor();
}

/** The street or department of an account's ORG CODE. */
function orgOf(role: Role, code: string): { id: string; name: string } {
  const catalog = defaultCatalog();
  const org = role === 'street' ? catalog.streets.find((s) => s.code === code) : catalog.departments.find((d) => d.code === code);
  if (!org) throw new Error(`no ${role} with code ${code}`);
  return org;
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

/** The §16 account of a department or street by its id (`department.FIRE_RESCUE`, `street.QUANYECHANG`). */
export function accountOf(role: 'street' | 'department', id: string): string {
  const catalog = defaultCatalog();
  const org = role === 'street' ? catalog.streets.find((s) => s.id === id) : catalog.departments.find((d) => d.id === id);
  if (!org) throw new Error(`no ${role} with id ${id}`);
  return `${role}.${org.code}`;
}

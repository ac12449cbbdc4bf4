import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

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

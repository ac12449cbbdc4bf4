import { existsSync } from 'node:fs';
import { join } from 'node:path';

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

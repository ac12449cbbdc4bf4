import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { TestStack } from '../src/harness';
import { describeIfChromium, SCREENSHOTS, launchConsoleBrowser } from './browser';

// 公示公开 end to end: the gateway composes the board from intake and assessment, and /public shows
// it without sign-in on a phone (390×844) and on a wall screen (1920×1080).
const describePublic = describeIfChromium('public-board');
const catalog = defaultCatalog();

function lastMonth(now = new Date()): string {
  const shanghai = new Date(now.getTime() + 8 * 3600_000);
  const y = shanghai.getUTCFullYear();
  const m = shanghai.getUTCMonth(); // 0-based: the previous month's number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

describePublic('public board (/public) through the gateway', () => {
  const stack = new TestStack('public', { CHUISHAO_PUBLIC_CACHE_SECONDS: '1', CHUISHAO_PUBLIC_BASE_URL: 'https://chuishao.example.gov.cn' });
  let launched: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  const pageErrors: string[] = [];
  const period = lastMonth();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await stack.start();
    for (const [i, s] of catalog.streets.slice(0, 3).entries()) {
      const token = await stack.token('street', s.id);
      const res = await stack.http('POST', '/api/v1/whistles', {
        token,
        headers: { 'idempotency-key': `public-e2e-${i}` },
        body: { situationCode: 'FIRE_LANE_BLOCKED', title: `公示测试 ${i} 13912345678`, description: 'PII-DESCRIPTION', location: { address: 'PII-ADDRESS 1 号', communityId: s.communities[0].id } },
      });
      expect(res.status).toBe(201);
    }
    const office = await stack.token('assessment-office');
    expect((await stack.http('POST', `/api/v1/assessment/periods/${period}/close`, { token: office, body: {} })).status).toBeLessThan(300);
    // triage and dispatch run on their own: wait until all three are public
    await eventually(async () => {
      const list = await stack.http('GET', '/api/v1/public/whistles');
      return list.json.items?.length === 3 ? list : undefined;
    }, 60_000);
    launched = await launchConsoleBrowser();
  });
  afterAll(async () => {
    await launched?.close();
    await stack.stop();
  });

  it('the gateway composes the board: intake’s whistles and assessment’s last closed month; ETag and 304', async () => {
    const board = await eventually(async () => {
      const res = await stack.http('GET', '/api/v1/public/board');
      return res.json.counts?.byLevel && Object.values(res.json.counts.byLevel as Record<string, number>).reduce((a, b) => a + b, 0) === 3 ? res : undefined;
    }, 30_000);
    expect(board.status).toBe(200);
    expect(board.json.departments).toMatchObject({ period, closedPeriods: expect.arrayContaining([period]) });
    expect(board.json.departments.departments).toHaveLength(catalog.departments.length);
    expect(board.json.progress.streets).toHaveLength(catalog.streets.length);
    expect(board.text).not.toMatch(/PII-|13912345678|公示测试/);
    const etag = board.headers.get('etag')!;
    expect(board.headers.get('cache-control')).toBe('public, max-age=1');
    const again = await stack.http('GET', '/api/v1/public/board', { headers: { 'if-none-match': etag } });
    expect([200, 304]).toContain(again.status); // 304 unless the 1 s cache rolled over in between
    const departments = await stack.http('GET', `/api/v1/public/departments?period=${period}`);
    expect(departments.status).toBe(200);
    expect((await stack.http('GET', '/api/v1/public/departments?period=2020-01')).status).toBe(404);
    expect((await stack.http('GET', '/api/v1/public/departments?period=soon')).status).toBe(422);
    const discovery = await stack.http('GET', '/open311/v2/discovery.json', { headers: { 'x-forwarded-host': 'evil.example' } });
    expect(discovery.json.endpoints[0].url).toBe('https://chuishao.example.gov.cn/open311/v2');
  });

  async function open(viewport: { width: number; height: number }, name: string): Promise<Page> {
    const page = await launched!.browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('request', (req) => {
      if (!req.url().startsWith(stack.base) && !req.url().startsWith('data:')) pageErrors.push(`foreign request ${req.url()}`);
    });
    await page.goto(`${stack.base}/public`);
    await page.getByTestId('level-RED').waitFor();
    await page.getByTestId('department').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, `public-${name}.png`), fullPage: name === 'phone' });
    return page;
  }

  const totalOpen = async (page: Page) => {
    let n = 0;
    for (const l of ['RED', 'YELLOW', 'BLUE']) n += Number(await page.getByTestId(`level-${l}`).locator('.n').textContent());
    return n;
  };

  it('phone (390×844): Chinese first, the counts visible, no horizontal overflow', async () => {
    const page = await open({ width: 390, height: 844 }, 'phone');
    expect(await totalOpen(page)).toBe(3);
    await expect(page.getByTestId('level-RED').isVisible()).resolves.toBe(true);
    expect(await page.getByRole('heading', { name: /未结哨件/ }).count()).toBe(1);
    expect(await page.getByTestId('street').count()).toBe(catalog.streets.length);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.content()).not.toMatch(/PII-|13912345678/);
    await page.close();
  });

  it('wall (1920×1080): three columns on one screen, refreshing without a reload', async () => {
    const page = await open({ width: 1920, height: 1080 }, 'wall');
    const boxes = await Promise.all(['.levels', '.departments', '.recent-card'].map((s) => page.locator(s).boundingBox()));
    expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
    expect(boxes[1]!.x).toBeLessThan(boxes[2]!.x);
    for (const b of boxes) expect(b!.y).toBeLessThan(1080);
    expect(await totalOpen(page)).toBe(3);
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
    const loads = await page.locator('#stamp').getAttribute('data-loads');
    await page.waitForFunction((before) => document.getElementById('stamp')?.dataset.loads !== before, loads, { timeout: 45_000 });
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1); // same document: refreshed in place
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { defaultCatalog } from '@chuishao/catalog';
import { csvAsOneTable, eventually, LOCAL_TIME } from '@chuishao/testing';
import { currentQuarter } from '../src/harness';
import { accountOf, consoleSuite, describeIfChromium, DESKTOP, DEVELOPER_WORDS, expectAccessible, PHONE, SCREENSHOTS, visibleText } from './browser';

const describeConsole = describeIfChromium('console-journeys');
const catalog = defaultCatalog();
const street = catalog.streets[0];
const community = street.communities[0];
const VIEWPORTS = [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const;

interface Assignment {
  id: string;
  departmentId: string;
  role: 'LEAD' | 'ASSIST';
  status: string;
  completedAt: string | null;
}

/** Waits until `read` gives `want`; fails showing the last value read. */
async function until<T>(read: () => Promise<T> | T, want: T, ms = 15000): Promise<void> {
  let last: T | undefined;
  try {
    await eventually(async () => {
      last = await read();
      return last === want ? true : undefined;
    }, ms);
  } catch {
    expect(last).toBe(want);
  }
}

/** "2026-12-05 14:30" in Beijing time: the one format the console shows. */
function beijing(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Issue #30 items 2–5, 7 and 8 as each role walks them, at phone and desktop size: after every
 * action the screen shows the state it changed; lists page to their end and keep their filters;
 * plain words (no ids, raw instants, zone names or "null" in view); one row per deadline and
 * whole cards to tap; confirmations and reason checks before irreversible acts; the resident's
 * page; an axe-core scan of every page visited.
 */
describeConsole('console journeys: what each role sees after each action (phone and desktop)', () => {
  const { stack, pageErrors, open } = consoleSuite('console-journeys');
  let streetToken: string;

  beforeAll(async () => {
    streetToken = await stack.token('street', street.id);
  });

  /** Screenshot, axe scan, and no developer words in plain view. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `journey-${name}.png`), fullPage: true });
    await expectAccessible(page, name);
    expect({ name, text: (await visibleText(page)).match(DEVELOPER_WORDS)?.[0] ?? null }).toEqual({ name, text: null });
  }

  async function blow(situationCode: string, title: string, wait = true): Promise<{ id: string; assignments: Assignment[] }> {
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode, title, description: '控制台旅程测试', location: { address: `和平区劝业场街道${title}`, communityId: community.id } },
    });
    if (created.status !== 201) throw new Error(`${created.status} ${created.text}`);
    if (!wait) return { id: created.json.id, assignments: [] };
    return eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${created.json.id}`, { token: streetToken });
      return r.json?.status === 'DISPATCHED' ? r.json : undefined;
    }, 20000);
  }
  const whistle = async (id: string) => (await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken })).json;

  /** Every deadline row's cells sit on one line: the countdown never wraps onto the next row. */
  async function expectOneRowPerDeadline(page: Page, scope: string): Promise<void> {
    const rows = await page.locator(`${scope} .deadline-row`).evaluateAll((els) =>
      els.map((row) => Array.from(row.children).map((c) => Math.round((c as HTMLElement).getBoundingClientRect().top))),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const tops of rows) expect(Math.max(...tops) - Math.min(...tops)).toBeLessThanOrEqual(4);
  }

  it('street: the list pages to its end (never page 1 again), keeps its filters on back, and whole cards open the whistle', async () => {
    for (let i = 0; i < 22; i += 1) await blow('NEIGHBOUR_DISPUTE', `楼道噪音 ${i + 1}`, false);
    await eventually(async () => ((await stack.http('GET', '/api/v1/whistles?limit=100', { token: streetToken })).json?.items?.length >= 22 ? true : undefined), 20000);
    for (const [size, viewport] of VIEWPORTS) {
      const page = await open(accountOf('street', street.id), viewport);
      await page.goto(`${stack.base}/#/whistles`);
      const items = page.locator('li.item[data-whistle-id]');
      await until(() => items.count(), 20);
      const more = page.getByRole('button', { name: /^加载更多/ });
      await more.waitFor();
      await more.click();
      await until(() => items.count(), 22);
      expect(await more.isVisible()).toBe(false); // nothing more: hidden, whatever its CSS
      const ids = await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.whistleId));
      expect(new Set(ids).size).toBe(22); // the next page, not page 1 again
      await page.getByText('已全部显示').waitFor();
      await check(page, `${size}-street-list`);

      // filters in the URL: back from a whistle shows the same list
      await page.getByLabel('状态').selectOption('DISPATCHED');
      await until(async () => page.url().includes('status=DISPATCHED'), true);
      const card = items.first();
      const box = (await card.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      await page.mouse.click(box.x + box.width - 8, box.y + box.height - 8); // a corner of the card, not its title
      await page.waitForURL(/#\/whistles\/[0-9a-f-]{36}$/);
      await page.goBack();
      await until(() => page.getByLabel('状态').inputValue(), 'DISPATCHED');
      expect(page.url()).toContain('status=DISPATCHED');
      await page.close();
    }
  });

  it('department and street: every action re-read on screen; 确认解决 asks first; assisting assignments close with the whistle; the resident sees the public story', async () => {
    const w = await blow('FIRE_LANE_BLOCKED', '早餐车占用消防通道');
    const lead = w.assignments.find((a) => a.role === 'LEAD')!;
    const assist = w.assignments.find((a) => a.role === 'ASSIST')!;

    const dept = await open(accountOf('department', lead.departmentId), PHONE);
    await dept.goto(`${stack.base}/#/assignments`);
    const card = dept.locator(`[data-assignment-id="${lead.id}"]`);
    await card.getByText('哨件办理中').waitFor(); // the whistle's own state on the card
    await expectOneRowPerDeadline(dept, `[data-assignment-id="${lead.id}"]`);
    await check(dept, 'phone-department-assignments');
    await card.getByRole('button', { name: /^报到/ }).click();
    await card.getByRole('button', { name: /^确认报到/ }).click();
    await until(() => card.getAttribute('data-status'), 'REPORTED');
    await card.getByRole('button', { name: /^办结/ }).click();
    await card.getByLabel('办结结果').fill('液化气罐已移出通道，早餐车已规范停放');
    await card.getByRole('button', { name: /^确认办结/ }).click();
    await until(() => dept.locator(`[data-assignment-id="${lead.id}"]`).getAttribute('data-status'), 'COMPLETED');
    await dept.close();

    await eventually(async () => ((await whistle(w.id)).status === 'COMPLETED' ? true : undefined), 20000);
    for (const [size, viewport] of VIEWPORTS) {
      const st = await open(accountOf('street', street.id), viewport);
      await st.goto(`${stack.base}/#/whistles/${w.id}`);
      await st.getByTestId('whistle-status').getByText('已办结').waitFor();
      // the main action and the lead's result lead the page; the timeline is collapsed
      const action = (await st.getByRole('button', { name: /^确认解决/ }).boundingBox())!;
      const result = (await st.getByTestId('lead-result').boundingBox())!;
      const summary = (await st.getByRole('heading', { name: /^基本情况/ }).boundingBox())!;
      expect(action.y).toBeLessThan(summary.y);
      expect(result.y).toBeLessThan(summary.y);
      await st.getByTestId('lead-result').getByText('液化气罐已移出通道').waitFor();
      expect(await st.getByTestId('audit').getAttribute('open')).toBeNull();
      await expectOneRowPerDeadline(st, '[data-testid=assignment]');
      await check(st, `${size}-street-completed`);
      if (size === 'phone') {
        // cancelling the confirmation changes nothing
        await st.getByRole('button', { name: /^确认解决/ }).click();
        await st.locator('dialog').getByRole('button', { name: /^取消/ }).click();
        expect((await whistle(w.id)).status).toBe('COMPLETED');
      }
      await st.close();
    }

    const st = await open(accountOf('street', street.id), PHONE);
    await st.goto(`${stack.base}/#/whistles/${w.id}`);
    await st.getByRole('button', { name: /^确认解决/ }).click();
    await st.locator('dialog').getByRole('button', { name: /^确认解决/ }).click();
    await st.getByTestId('whistle-status').getByText('已确认解决').waitFor();
    const href = (await st.getByTestId('feedback-link').getByRole('link').getAttribute('href'))!;
    // assisting assignments closed with the whistle: no countdown, no action, shown as closed
    const assistCard = st.locator(`[data-assignment-id="${assist.id}"]`);
    await until(() => assistCard.getAttribute('data-status'), 'CLOSED');
    expect(await assistCard.locator('.countdown').count()).toBe(0);
    await check(st, 'phone-street-resolved');
    await st.close();

    for (const [size, viewport] of VIEWPORTS) {
      const other = await open(accountOf('department', assist.departmentId), viewport);
      await other.goto(`${stack.base}/#/assignments`);
      const c = other.locator(`[data-assignment-id="${assist.id}"]`);
      await c.waitFor();
      await until(() => c.getAttribute('data-status'), 'CLOSED');
      await c.getByText('哨件已确认解决').waitFor();
      expect(await c.getByRole('button', { name: /^报到/ }).count()).toBe(0);
      expect(await c.locator('.countdown').count()).toBe(0);
      await check(other, `${size}-assist-closed`);
      await other.close();
    }

    // the resident: situation, street and community, the departments' steps, when the lead finished
    const done = (await whistle(w.id)).assignments.find((a: Assignment) => a.id === lead.id) as Assignment;
    for (const [size, viewport] of VIEWPORTS) {
      const resident = await open(null, viewport);
      await resident.goto(href);
      const summaryCard = resident.getByTestId('feedback-summary');
      await summaryCard.getByText(catalog.situation('FIRE_LANE_BLOCKED')!.name).waitFor();
      await summaryCard.getByText(`${street.name} · ${community.name}`).waitFor();
      expect(await resident.getByTestId('completed-at').textContent()).toBe(`${catalog.department(lead.departmentId)!.name} 于 ${beijing(done.completedAt!)} 办结`);
      expect(await visibleText(resident)).not.toContain('早餐车占用消防通道'); // the street's free-text title is never public
      await resident.getByTestId('feedback-progress').getByText('办结').first().waitFor();
      await check(resident, `${size}-resident`);
      await resident.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('command center: an override needs a chosen level and a real reason, asks first, then shows the new level and deadlines and cannot be sent twice', async () => {
    const w = await blow('NEIGHBOUR_DISPUTE', '楼道堆物');
    const before = await whistle(w.id);
    expect(before.level).toBe('BLUE');
    const cc = await open('command-center', DESKTOP);
    await cc.goto(`${stack.base}/#/whistles/${w.id}`);
    await cc.getByText('调整分级（指挥中心）').click();
    const level = cc.getByLabel('新级别');
    expect(await level.inputValue()).toBe(''); // nothing preselected
    expect(await level.locator('option[value=BLUE]').count()).toBe(0); // the current level is not a choice
    await cc.getByRole('button', { name: /^改级/ }).click();
    await cc.getByText('请选择新级别 / Choose the new level').waitFor();
    await level.selectOption('RED');
    await cc.getByLabel('理由').fill('太急'); // the API takes 2 characters; the console asks for 5
    await cc.getByRole('button', { name: /^改级/ }).click();
    await cc.getByText('理由至少 5 个字').waitFor();
    await cc.getByLabel('理由').fill('涉及独居老人，需尽快处置');
    await check(cc, 'desktop-override-form');
    await cc.getByRole('button', { name: /^改级/ }).click();
    await cc.locator('dialog').getByRole('button', { name: /^确定改级/ }).click();
    await cc.getByTestId('whistle-level').getByText('红色').waitFor({ timeout: 30000 });
    const after = await eventually(async () => {
      const v = await whistle(w.id);
      return v.level === 'RED' && v.deadlines.reportBy !== before.deadlines.reportBy ? v : undefined;
    }, 30000);
    // the screen shows the new deadlines (not the old ones) once the page settles
    await cc.getByTestId('override').waitFor({ timeout: 30000 });
    await until(() => cc.locator('[data-testid=whistle-deadlines] [data-kind=REPORT] .when').textContent(), beijing(after.deadlines.reportBy), 30000);
    await cc.getByText('调整分级（指挥中心）').click();
    expect(await cc.getByLabel('新级别').locator('option[value=RED]').count()).toBe(0); // sending RED again is impossible
    await check(cc, 'desktop-override-done');
    await cc.close();

    const phone = await open('command-center', PHONE);
    await phone.goto(`${stack.base}/#/whistles/${w.id}`);
    await phone.getByTestId('whistle-level').getByText('红色').waitFor();
    await check(phone, 'phone-command-center-detail');
    await phone.close();
    expect(pageErrors).toEqual([]);
  });

  it('assessment office: 明细 in plain words, 关闭考核期 apart from the downloads, and the CSV opens as one table with local times', async () => {
    const fire = catalog.departmentByCode('FIRE_RESCUE')!;
    const period = currentQuarter();
    const rated = await stack.http('POST', '/api/v1/street-ratings', { token: streetToken, body: { period, departmentId: fire.id, deductions: [{ points: 10, reason: '到场不及时，居民等待两小时' }] } });
    expect(rated.status).toBeLessThan(300);
    const office = await stack.token('assessment-office');
    await eventually(async () => ((await stack.http('GET', `/api/v1/assessment/scorecards?period=${period}`, { token: office })).json?.rows?.some((r: { departmentId: string; perception: { ratings: number } }) => r.departmentId === fire.id && r.perception.ratings > 0) ? true : undefined), 30000, 200);

    for (const [size, viewport] of VIEWPORTS) {
      const ao = await open('assessment-office', viewport);
      await ao.goto(`${stack.base}/#/scorecards`);
      const row = ao.locator('tr', { hasText: fire.name }).first(); // on a phone the table's rows are cards
      await row.waitFor();
      await row.getByRole('button', { name: /^明细/ }).click();
      await ao.locator('ul.lost-points > li', { hasText: `${street.name}扣 10 分：到场不及时，居民等待两小时` }).first().waitFor();
      // the irreversible act lives in its own section, away from the downloads
      const sectionOf = (name: RegExp) => ao.getByRole('button', { name }).evaluate((b) => b.closest('section')?.getAttribute('aria-labelledby') ?? null);
      expect(await sectionOf(/^下载 CSV/)).toBe('dl-h');
      expect(await sectionOf(/^关闭考核期/)).toBe('close-h');
      await check(ao, `${size}-scorecards-detail`);
      if (size === 'desktop') {
        const [download] = await Promise.all([ao.waitForEvent('download'), ao.getByRole('button', { name: /^下载 CSV/ }).click()]);
        const { header, rows } = csvAsOneTable(readFileSync((await download.path())!));
        expect(header).toContain('办结时限');
        for (const r of rows) expect(r['计算时点']).toMatch(LOCAL_TIME);
        const deduction = rows.find((r) => r['部门'] === fire.name && r['类别'] === '街道扣分')!;
        expect(deduction).toMatchObject({ 街道: street.name, '评价/扣分理由': '到场不及时，居民等待两小时', 扣分: '10' });
        for (const r of rows.filter((x) => x['办结时限'])) expect(r['办结时限']).toMatch(LOCAL_TIME);
      }
      await ao.close();
    }
    expect(pageErrors).toEqual([]);
  });
});

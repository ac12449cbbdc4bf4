import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { accountOf, consoleSuite, describeIfChromium, PHONE, SCREENSHOTS, expectAccessible } from './browser';

const describeConsole = describeIfChromium('console-roles');

const catalog = defaultCatalog();
const street = catalog.streets[0];
const shots = SCREENSHOTS;

interface Assignment {
  id: string;
  departmentId: string;
  role: 'LEAD' | 'ASSIST';
  status: string;
}

/**
 * Every role's work through the console, against the whole running system: a department reports
 * and completes, the street confirms and hands out the link, the resident rates, a lead disputes
 * and the command center reassigns, the command center overrides a level, the street withdraws and
 * rates a department, the assessment office reads, exports and closes a period.
 */
describeConsole('console: every role at work in the browser', () => {
  const { stack, pageErrors, browser, open } = consoleSuite('console-roles');
  let streetToken: string;

  beforeAll(async () => {
    streetToken = await stack.token('street', street.id);
  });

  /** A page signed in as a contract §16 account (null: the resident, not signed in). */
  async function signedIn(account: string | null, viewport = PHONE): Promise<Page> {
    const page = await open(account, viewport);
    if (!account) {
      await browser().clearCookies();
      await page.goto(`${stack.base}/`);
    }
    return page;
  }
  const streetAccount = accountOf('street', street.id);

  async function blow(situationCode: string, title: string): Promise<{ id: string; assignments: Assignment[] }> {
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode, title, description: '控制台端到端测试', location: { address: `和平区劝业场街道${title}` } },
    });
    if (created.status !== 201) throw new Error(`${created.status} ${created.text}`);
    return eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${created.json.id}`, { token: streetToken });
      return r.json?.status === 'DISPATCHED' ? r.json : undefined;
    }, 20000);
  }

  async function whistle(id: string) {
    return (await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken })).json;
  }

  it('department reports and completes, the street confirms, the resident rates once', async () => {
    const w = await blow('NEIGHBOUR_DISPUTE', '邻里噪音纠纷');
    const lead = w.assignments.find((a) => a.role === 'LEAD')!;
    const dept = await signedIn(accountOf('department', lead.departmentId));
    await dept.goto(`${stack.base}/#/assignments`);
    const card = dept.locator(`[data-assignment-id="${lead.id}"]`);
    await card.getByRole('button', { name: /^报到/ }).click();
    await card.getByRole('button', { name: /^确认报到/ }).click();
    await card.getByText('已报到').first().waitFor();
    await card.getByRole('button', { name: /^办结/ }).click();
    await card.getByLabel('办结结果').fill('双方已调解，签订协议');
    await card.getByRole('button', { name: /^确认办结/ }).click();
    await dept.locator(`[data-assignment-id="${lead.id}"]`).locator('[data-progress=done]').waitFor();
    await dept.screenshot({ path: join(shots, 'roles-phone-department-done.png'), fullPage: true });
    await expectAccessible(dept, 'roles-phone-department-done');
    await dept.close();

    await eventually(async () => ((await whistle(w.id)).status === 'COMPLETED' ? true : undefined), 20000);
    const st = await signedIn(streetAccount);
    await st.goto(`${stack.base}/#/whistles/${w.id}`);
    await st.getByTestId('whistle-status').getByText('已办结').waitFor();
    await st.getByRole('button', { name: /^确认解决/ }).click();
    await st.locator('dialog').getByRole('button', { name: /^确认解决/ }).click(); // an irreversible act asks first
    const link = st.getByTestId('feedback-link').getByRole('link');
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^${stack.base}/feedback/[^/]+$`));
    await st.getByTestId('whistle-status').getByText('已确认解决').waitFor();
    await st.screenshot({ path: join(shots, 'roles-phone-street-confirmed.png'), fullPage: true });
    await expectAccessible(st, 'roles-phone-street-confirmed');
    await st.close();

    const resident = await signedIn(null);
    await resident.goto(href);
    await resident.getByRole('button', { name: /^基本满意/ }).click();
    await resident.getByLabel('意见建议（可选）').fill('处理及时');
    await resident.getByRole('button', { name: /^提交评价/ }).click();
    await resident.getByText('感谢您的评价！').waitFor();
    await expectAccessible(resident, 'roles-phone-resident-rated');
    await resident.reload();
    await resident.getByText('该评价链接已使用过').waitFor();
    await resident.close();
    const after = await eventually(async () => {
      const v = await whistle(w.id);
      return v.feedback?.status === 'GIVEN' ? v : undefined;
    });
    expect(after.feedback).toMatchObject({ rating: 'BASICALLY_SATISFIED', score: 80 });
  });

  it('a lead disputes, the command center upholds and reassigns; the command center overrides a level; the street withdraws', async () => {
    const w = await blow('FIRE_LANE_BLOCKED', '消防通道堆放杂物');
    const lead = w.assignments.find((a) => a.role === 'LEAD')!;
    const dept = await signedIn(accountOf('department', lead.departmentId));
    await dept.goto(`${stack.base}/#/whistles/${w.id}`);
    const card = dept.locator(`[data-assignment-id="${lead.id}"]`);
    await card.getByRole('button', { name: /^退单/ }).click();
    await card.getByLabel('退单理由').fill('不属于本部门职责，应由城管牵头');
    await card.getByRole('button', { name: /^确认退单/ }).click();
    await dept.locator(`[data-assignment-id="${lead.id}"]`).getByText('退单待裁决').waitFor();
    await dept.close();

    const target = catalog.departments.find((d) => !w.assignments.some((a) => a.departmentId === d.id))!;
    const cc = await signedIn('command-center', { width: 1366, height: 900 });
    await cc.goto(`${stack.base}/#/disputes`);
    const disputed = cc.locator(`[data-assignment-id="${lead.id}"]`);
    await disputed.getByLabel('裁决').selectOption('UPHOLD');
    await disputed.getByLabel('理由').fill('经研判，由城管部门牵头更合适');
    await disputed.getByLabel('改派至').selectOption({ label: target.name });
    await cc.screenshot({ path: join(shots, 'roles-desktop-disputes.png'), fullPage: true });
    await expectAccessible(cc, 'roles-desktop-disputes');
    await disputed.getByRole('button', { name: /^裁决/ }).click();
    await cc.locator('dialog').getByRole('button', { name: /^确定裁决/ }).click();
    await cc.getByText('没有待裁决的退单。').waitFor();
    const reassigned = await eventually(async () => {
      const v = await whistle(w.id);
      return v.assignments.some((a: Assignment) => a.departmentId === target.id && a.role === 'LEAD') ? v : undefined;
    }, 20000);
    expect(reassigned.assignments.find((a: Assignment) => a.id === lead.id).status).toBe('REASSIGNED');

    const blue = await blow('NEIGHBOUR_DISPUTE', '楼道噪音扰民');
    expect((await whistle(blue.id)).level).toBe('BLUE');
    await cc.goto(`${stack.base}/#/whistles/${blue.id}`);
    await cc.getByText('调整分级（指挥中心）').click();
    await cc.getByLabel('新级别').selectOption('RED');
    await cc.getByLabel('理由').fill('涉及老人独居，需尽快处置');
    await cc.getByRole('button', { name: /^改级/ }).click();
    await cc.locator('dialog').getByRole('button', { name: /^确定改级/ }).click();
    await cc.getByTestId('whistle-level').getByText('红色').waitFor({ timeout: 40000 });
    await cc.screenshot({ path: join(shots, 'roles-desktop-override.png'), fullPage: true });
    await expectAccessible(cc, 'roles-desktop-override');
    await cc.close();

    const st = await signedIn(streetAccount);
    await st.goto(`${stack.base}/#/whistles/${blue.id}`);
    await st.getByText('撤回此哨件').click();
    await st.getByLabel('理由').fill('居民已自行协商解决');
    await st.getByRole('button', { name: /^撤回\s*Withdraw$/ }).click();
    await st.locator('dialog').getByRole('button', { name: /^撤回/ }).click();
    await st.getByTestId('whistle-status').getByText('已撤回').waitFor();
    await st.close();
  });

  it('the street rates a department with written deductions; the assessment office reads, exports and closes a period', async () => {
    const dept = catalog.departments[0];
    const st = await signedIn(streetAccount);
    await st.goto(`${stack.base}/#/ratings`);
    await st.getByLabel('被评价部门').selectOption({ label: dept.name });
    await st.getByRole('button', { name: /添加扣分项/ }).click();
    await st.getByLabel(/^扣分\s*Points/).fill('5');
    await st.getByLabel('扣分理由（至少 5 字）').fill('太慢');
    await st.getByRole('button', { name: /^提交评价/ }).click();
    await st.getByText('理由至少 5 个字').waitFor();
    await st.getByLabel('扣分理由（至少 5 字）').fill('报到不及时，多次催办');
    await eventually(async () => ((await st.getByTestId('rating-score').textContent()) === '95' ? true : undefined));
    await st.getByRole('button', { name: /^提交评价/ }).click();
    await st.getByText(/^已提交/).waitFor();
    await st.close();

    const ao = await signedIn('assessment-office', { width: 1366, height: 900 });
    await ao.goto(`${stack.base}/#/scorecards`);
    await ao.getByRole('button', { name: /^查询/ }).waitFor();
    await ao.getByLabel('周期类型 Period type').selectOption('year');
    await ao.getByRole('button', { name: /^查询/ }).click();
    const row = ao.getByRole('row', { name: new RegExp(dept.name) });
    await row.waitFor();
    await row.getByRole('button', { name: /^明细/ }).click();
    await ao.getByText(/报到不及时，多次催办/).waitFor();
    await ao.screenshot({ path: join(shots, 'roles-desktop-scorecards.png'), fullPage: true });
    await expectAccessible(ao, 'roles-desktop-scorecards');
    const [download] = await Promise.all([ao.waitForEvent('download'), ao.getByRole('button', { name: /^下载 CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const year = new Date().getUTCFullYear() - 1;
    await ao.getByLabel('年份 Year').selectOption(String(year));
    await ao.getByRole('button', { name: /^关闭考核期/ }).click();
    await ao.locator('dialog').getByRole('button', { name: /^关闭考核期/ }).click();
    await ao.getByText(`考核期 ${year}年度 已关闭`).waitFor();
    await ao.close();
    expect(pageErrors).toEqual([]);
  });
});

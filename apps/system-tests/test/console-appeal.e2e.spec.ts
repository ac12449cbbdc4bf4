import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { currentQuarter } from '../src/harness';
import { accountOf, consoleSuite, describeIfChromium, PHONE, SCREENSHOTS, signIn, expectAccessible } from './browser';

const describeConsole = describeIfChromium('console-appeal');
const catalog = defaultCatalog();
const street = catalog.streets[0];
const fire = catalog.departmentByCode('FIRE_RESCUE')!;

/**
 * Contract §11 through the console (issue #24's proof): a street's deduction is a lost point on the
 * department's 我的考核 page; the department appeals it there with evidence; the assessment office
 * upholds it in its queue; the department's page then shows the point restored and its perception
 * score back at 100.
 */
describeConsole('console: a department appeals a lost point and the office upholds it', () => {
  const { stack, pageErrors, open } = consoleSuite('console-appeal');

  /** A phone page signed in as a contract §16 account, at a console page. */
  async function signedIn(account: string, hash: string): Promise<Page> {
    const page = await open(account, PHONE);
    await page.goto(`${stack.base}/${hash}`);
    return page;
  }

  it('files the appeal from 我的考核 and sees the point restored after the office upholds it', async () => {
    const period = currentQuarter();
    const streetToken = await stack.token('street', street.id);
    const rated = await stack.http('POST', '/api/v1/street-ratings', {
      token: streetToken,
      body: { period, departmentId: fire.id, deductions: [{ points: 10, reason: '报到不及时，群众反映强烈' }] },
    });
    expect(rated.status).toBeLessThan(300);
    const deptToken = await stack.token('department', fire.id);
    await eventually(async () => (await stack.http('GET', `/api/v1/assessment/scorecards?period=${period}`, { token: deptToken })).json?.rows?.[0]?.perception?.score === 90, 30000, 200);

    const dept = await signedIn('department.FIRE_RESCUE', '#/my-score');
    await dept.getByTestId('my-score').waitFor();
    await dept.getByTestId('appeal-button').first().click();
    await dept.getByLabel(/申诉理由/).fill('当日已按时报到，有签到记录为证');
    await dept.getByLabel(/证据链接/).fill('https://example.gov.cn/sign-in/123');
    await dept.getByRole('button', { name: /提交申诉/ }).click();
    await dept.getByText('申诉处理中').waitFor();
    await dept.screenshot({ path: join(SCREENSHOTS, 'appeal-filed-phone.png'), fullPage: true });
    await expectAccessible(dept, 'appeal-filed-phone');

    const office = await signedIn('assessment-office', '#/appeals');
    await office.getByTestId('appeal-queue').waitFor();
    await office.getByLabel(/裁决理由/).fill('签到记录属实，扣分撤销');
    await expectAccessible(office, 'appeal-queue-phone');
    await office.getByRole('button', { name: /申诉成立/ }).click();
    await office.locator('dialog').getByRole('button', { name: /申诉成立/ }).click();
    await office.getByText(/申诉成立，失分已恢复/).waitFor();

    // one session per browser: the department signs in again to see its score
    await signIn(dept, stack, accountOf('department', fire.id));
    await dept.goto(`${stack.base}/#/my-score`);
    await dept.getByTestId('my-score').waitFor();
    await dept.locator('li.restored').first().waitFor();
    const row = (await stack.http('GET', `/api/v1/assessment/scorecards?period=${period}`, { token: deptToken })).json.rows[0];
    expect(row.perception.score).toBe(100);
    expect(row.explanations.some((e: { message: string }) => /恢复|restored on appeal/.test(e.message))).toBe(true);
    await dept.screenshot({ path: join(SCREENSHOTS, 'appeal-restored-phone.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

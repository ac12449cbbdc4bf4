import { randomUUID } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { TestStack } from '../src/harness';
import { CHROMIUM, launchConsoleBrowser, signIn } from './browser';
import { existsSync } from 'node:fs';

const catalog = defaultCatalog();
const street = catalog.streets[0];
const FIRE = catalog.departmentByCode('FIRE_RESCUE')!;

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events from a response until `until` is satisfied (or the time runs out). */
async function readEvents(res: Response, until: (events: SseEvent[]) => boolean, timeoutMs = 30_000): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(events) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))]);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

/**
 * Alerts pushed as server-sent events (issue #30 item 6): through the gateway (which must not
 * buffer the stream), a department hears its open-assignment count and a notice as its report
 * deadline approaches; the command center hears the board's counts; a street may not listen. In
 * the console, the department sees the badge on 我的派单 and the notice.
 */
describe('alerts: server-sent events through the gateway', () => {
  const stack = new TestStack('alerts', { CHUISHAO_ALERTS_TICK_MS: '1000' });
  let whistleId = '';
  let assignmentId = '';

  beforeAll(async () => {
    await stack.start();
    const cc = await stack.token('command-center');
    const current = await stack.http('GET', '/api/v1/policies/triage', { token: cc });
    const sla = { ...current.json.sla, RED: { report: 'PT5M', arrive: 'PT1H', complete: 'PT2H' } };
    const published = await stack.http('POST', '/api/v1/policies/triage', { token: cc, body: { sla, rules: current.json.rules } });
    if (published.status !== 201) throw new Error(`${published.status} ${published.text}`);
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: await stack.token('street', street.id),
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode: 'FIRE_LANE_BLOCKED', title: '消防通道被占（提醒演练）', description: '演练：报到时限 5 分钟。', location: { address: '和平区劝业场街道福缘里 7 号' }, requestedDepartments: [FIRE.id] },
    });
    expect(created.status).toBe(201);
    whistleId = created.json.id as string;
    assignmentId = await eventually(async () => {
      const r = await stack.sql<{ id: string }>('dispatch', `SELECT id FROM assignments WHERE whistle_id = $1 AND department_id = $2`, [whistleId, FIRE.id]);
      return r[0]?.id;
    }, 60_000);
  }, 180_000);
  afterAll(() => stack.stop());

  it('delivers a department its count and a deadline notice, unbuffered, as text/event-stream', async () => {
    const started = Date.now();
    const res = await fetch(`${stack.base}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${await stack.token('department', FIRE.id)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const events = await readEvents(res, (e) => e.some((x) => x.event === 'deadline'));
    expect(events.find((e) => e.event === 'counts')?.data).toEqual({ needingAction: 1 });
    expect(events.find((e) => e.event === 'deadline')?.data).toMatchObject({ assignmentId, whistleId, kind: 'REPORT', stage: '10', title: '消防通道被占（提醒演练）' });
    // pushed while the connection stays open: well before any buffer would have filled
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('gives the command center the board’s counts, and refuses a street (403) and no token (401)', async () => {
    const res = await fetch(`${stack.base}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${await stack.token('command-center')}` } });
    const events = await readEvents(res, (e) => e.some((x) => x.event === 'counts'));
    expect(events[0]).toEqual({ event: 'counts', data: { overdue: 0, disputed: 0, extensionsPending: 0 } });
    expect((await stack.http('GET', '/api/v1/alerts/stream', { token: await stack.token('street', street.id) })).status).toBe(403);
    const anonymous = await stack.http('GET', '/api/v1/alerts/stream');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  (existsSync(CHROMIUM) ? it : it.skip)('shows the department the badge on 我的派单 and the notice in the console', async () => {
    const launched = await launchConsoleBrowser();
    try {
      const browser: BrowserContext = launched.browser;
      const page = await browser.newPage();
      await signIn(page, stack, 'department.FIRE_RESCUE');
      await page.getByTestId('badge-assignments').getByText('1').waitFor({ timeout: 20_000 });
      const notice = page.getByTestId('deadline-notice').first();
      await notice.waitFor({ timeout: 20_000 });
      expect(await notice.textContent()).toMatch(/消防通道被占（提醒演练）.*报到时限还剩约 10 分钟/);
      expect(await notice.getAttribute('role')).toBe('alert');
    } finally {
      await launched.close();
    }
  });
});

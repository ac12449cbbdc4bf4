import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { TestStack } from '../src/harness';

const catalog = defaultCatalog();
const street = catalog.streetByCode('QUANYECHANG')!;

/** A street's whole journey through the gateway: blow → departments complete → confirm → resident feedback; and Open311. */
describe('intake through the gateway: a street’s whistle from blowing to the resident’s feedback', () => {
  const stack = new TestStack('intake_journey');
  let streetToken: string;

  beforeAll(async () => {
    await stack.start();
    streetToken = await stack.token('street', street.id);
  });
  afterAll(() => stack.stop());

  it('blow → DISPATCHED → lead reports and completes → COMPLETED → confirm → feedback once; request logs mask the token', async () => {
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        situationCode: 'STREET_VENDING',
        title: '绵阳道市场摊贩占道经营',
        description: '早市摊贩占用人行道和机动车道，消防车无法通行。',
        location: { address: '和平区劝业场街道绵阳道菜市场北口' },
        hints: { householdsAffected: 60 },
      },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    const dispatched = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken });
      return r.json?.status === 'DISPATCHED' ? r.json : undefined;
    }, 20000, 50);
    const lead = dispatched.assignments.find((a: { role: string }) => a.role === 'LEAD');
    const dept = await stack.token('department', lead.departmentId);
    for (const step of ['report', 'complete']) {
      const r = await stack.http('POST', `/api/v1/assignments/${lead.id}/${step}`, {
        token: dept,
        headers: { 'idempotency-key': randomUUID() },
        body: step === 'complete' ? { result: '已清理占道摊位，设置临时疏导点' } : { note: '已到达' },
      });
      expect([step, r.status]).toEqual([step, expect.any(Number)]);
      expect(r.status).toBeLessThan(300);
    }
    await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken });
      return r.json?.status === 'COMPLETED';
    }, 20000, 50);

    const confirmed = await stack.http('POST', `/api/v1/whistles/${id}/confirm`, { token: streetToken, body: {} });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.status).toBe('RESOLVED');
    const link = confirmed.json.feedback.link as string;
    const token = link.split('/').pop()!;

    const summary = await stack.http('GET', `/api/v1/feedback/${token}`);
    expect(summary.status).toBe(200);
    expect(summary.json).toMatchObject({ status: 'RESOLVED', street: { name: street.name } });
    expect(summary.text).not.toContain('绵阳道');
    const given = await stack.http('POST', `/api/v1/feedback/${token}`, { body: { rating: 'SATISFIED', comment: '摊位清走了' } });
    expect(given.status).toBe(201);
    expect((await stack.http('POST', `/api/v1/feedback/${token}`, { body: { rating: 'DISSATISFIED' } })).status).toBe(409);

    const audit = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken });
      return r.json?.events?.some((e: { type: string }) => e.type === 'FeedbackGiven') ? r.json : undefined;
    });
    const types = audit.events.map((e: { type: string }) => e.type);
    expect(types.slice(0, 2)).toEqual(['WhistleBlown', 'WhistleTriaged']);
    expect(types).toEqual(expect.arrayContaining(['DepartmentsSummoned', 'DepartmentReported', 'DepartmentCompleted', 'WhistleConfirmed', 'FeedbackRequested', 'FeedbackGiven']));
    expect(audit.chain.valid).toBe(true);

    // intake's log and the gateway's request lines carry the URL with the token masked
    const intakeLog = readFileSync(join(stack.logDir, 'intake.log'), 'utf8');
    expect(intakeLog).toContain('/api/v1/feedback/[REDACTED]');
    expect(intakeLog).not.toContain(token);
    const gatewayRequests = gatewayRequestUrls();
    expect(gatewayRequests).toContain('/api/v1/feedback/[REDACTED]');
    expect(gatewayRequests.join('\n')).not.toContain(token);
    secrets.push(token);
  });

  function gatewayRequestUrls(): string[] {
    return readFileSync(join(stack.logDir, 'gateway.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url)
      .filter((u): u is string => !!u);
  }
  const secrets: string[] = [];

  it('an Open311 client’s exchange through the gateway, JSON then XML', async () => {
    // issued as admin through the API (contract §14), as `npm run token -- street <id> --open311` does
    const issued = await stack.http('POST', '/api/v1/open311-keys', { token: await stack.token('admin', undefined, 'admin-tester'), body: { streetId: street.id, label: 'e2e' } });
    expect(issued.status).toBe(201);
    const key = issued.json.key as string;
    const services = await stack.http('GET', '/open311/v2/services.json');
    expect(services.status).toBe(200);
    expect(services.json).toHaveLength(43);
    const posted = await stack.http('POST', '/open311/v2/requests.json', {
      raw: new URLSearchParams({ api_key: key, service_code: 'ELEVATOR_ENTRAPMENT', description: '福安大街 12 号楼电梯困人', address_string: '和平区福安大街 12 号' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(posted.status).toBe(201);
    const id = posted.json[0].service_request_id as string;
    const one = await stack.http('GET', `/open311/v2/requests/${id}.xml?api_key=${encodeURIComponent(key)}`);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toContain('text/xml');
    expect(one.text).toContain(`<service_request_id>${id}</service_request_id>`);
    expect(one.text).toContain('<status>open</status>');
    const bad = await stack.http('GET', '/open311/v2/requests.xml?api_key=nope');
    expect(bad.status).toBe(403);
    expect(bad.text).toContain('<errors>');
    const intakeLog = readFileSync(join(stack.logDir, 'intake.log'), 'utf8');
    expect(intakeLog).not.toContain(key);
    // every use is logged with the key's id, never the key (docs/security.md)
    expect(intakeLog).toMatch(new RegExp(`"keyId":"${issued.json.id as string}".*"Open311 key used"|"Open311 key used".*"keyId":"${issued.json.id as string}"`));
    expect(gatewayRequestUrls().join('\n')).not.toContain(key);
    secrets.push(key);
  });

  it('the catalog shows the SLA of the policy triage publishes; the board counts for the command center', async () => {
    const cc = await stack.token('command-center', undefined, 'cc-duty-officer');
    const v1 = await stack.http('GET', '/api/v1/catalog', { token: streetToken });
    expect(v1.json.levels[1]).toEqual({ code: 'YELLOW', name: '黄色', nameEn: 'Yellow', sla: { report: 'PT2H', arrive: 'PT24H', complete: 'PT72H' }, policyVersion: 1 });
    const current = await stack.http('GET', '/api/v1/policies/triage', { token: cc });
    expect(current.status).toBe(200);
    const sla = { ...current.json.sla, YELLOW: { report: 'PT1H', arrive: 'PT12H', complete: 'PT48H' } };
    const published = await stack.http('POST', '/api/v1/policies/triage', { token: cc, body: { sla, rules: current.json.rules, version: 2 } });
    expect(published.status).toBe(201);
    const yellow = await eventually(async () => {
      const r = await stack.http('GET', '/api/v1/catalog', { token: streetToken });
      return r.json?.levels?.[1]?.policyVersion === 2 ? r.json.levels[1] : undefined;
    });
    expect(yellow.sla).toEqual({ report: 'PT1H', arrive: 'PT12H', complete: 'PT48H' });

    expect((await stack.http('GET', '/api/v1/board', { token: streetToken })).status).toBe(403);
    const board = await stack.http('GET', '/api/v1/board', { token: cc });
    expect(board.status).toBe(200);
    expect(board.json.counts.byStatus.RESOLVED).toBe(1);
    expect(board.json.counts.byStatus.DISPATCHED + board.json.counts.byStatus.TRIAGED + board.json.counts.byStatus.BLOWN).toBe(1); // the Open311 request
  });

  // @fastify/reply-from logs "fetching from remote server" with the upstream URL in `source`: the
  // platform logger masks `source` and `url` as it masks `req.url`.
  it('no log line of any process carries a feedback token or an Open311 key', () => {
    const logs = readdirSync(stack.logDir).map((f) => readFileSync(join(stack.logDir, f), 'utf8')).join('\n');
    expect(secrets).toHaveLength(2);
    for (const s of secrets) expect(logs).not.toContain(s);
  });
});

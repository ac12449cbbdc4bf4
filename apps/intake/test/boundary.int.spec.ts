import { randomUUID } from 'node:crypto';
import { fuzzBoundary, fuzzRuns, startServiceForTest, type FuzzRoute, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';
import { blow, catalog, countEvents, issueOpen311Key, whistleBody } from './intake-test-kit';

const street = catalog.streets[0];

/** Contract §10 at intake's HTTP boundary: the text rules, and no input ever yields a 5xx. */
describe('intake: text rules and odd bodies at every POST route', () => {
  let svc: ServiceUnderTest;
  let token: string;
  let key: string;

  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_boundary' });
    token = await svc.token('street', street.id);
    key = (await issueOpen311Key(svc, street.id)).key;
  });
  afterAll(() => svc.stop());

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    svc.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json', ...headers }, payload });

  it('NUL in a whistle description → 422 naming `description`, nothing appended', async () => {
    const before = await countEvents(svc);
    const res = await post('/api/v1/whistles', JSON.stringify(whistleBody(1, { description: '液化气罐\u0000距窗户不足两米' })));
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 422, errors: [{ field: 'description', message: expect.stringContaining('U+0000') }] });
    const lone = await post('/api/v1/whistles', JSON.stringify(whistleBody(2, { location: { address: '福缘里\uD800' }, attachments: [{ url: 'https://x.example/\uDFFF', kind: 'photo' }] })));
    expect(lone.statusCode).toBe(422);
    expect(lone.json().errors.map((e: { field: string }) => e.field)).toEqual(['location.address', 'attachments[0].url']);
    expect(await countEvents(svc)).toBe(before);
  });

  it('a body nested 65 deep → 400, 64 deep is only a wrong shape (400 for the unknown field), nothing appended', async () => {
    const before = await countEvents(svc);
    // the body is level 1, hints level 2, …
    const deep = (n: number) => JSON.stringify(whistleBody(3, { hints: JSON.parse('{"x":'.repeat(n - 1) + '1' + '}'.repeat(n - 1)) }));
    const res = await post('/api/v1/whistles', deep(65));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'https://chuishao.dev/problems/malformed-json', detail: expect.stringContaining('64') });
    expect((await post('/api/v1/whistles', deep(64))).json().detail).not.toMatch(/64/);
    expect((await post('/api/v1/whistles', '['.repeat(100_000) + ']'.repeat(100_000))).statusCode).toBe(400);
    expect(await countEvents(svc)).toBe(before);
  });

  it('a title with surrounding spaces and a decomposed é is stored trimmed and NFC; a reason of spaces is empty (422)', async () => {
    const decomposed = 'Cafe\u0301 门口占道';
    const w = await blow(svc, token, whistleBody(4, { title: `  ${decomposed}\u3000 `, location: { address: ' 福缘里 4 号 ' } }));
    const [row] = await svc.dataSource.query(`SELECT data FROM events WHERE type = 'WhistleBlown' AND data->>'whistleId' = $1`, [w.id]);
    expect(row.data.title).toBe('Café 门口占道');
    expect(row.data.title).toBe(row.data.title.normalize('NFC'));
    expect(row.data.location.address).toBe('福缘里 4 号');
    const res = await post(`/api/v1/whistles/${w.id}/withdraw`, JSON.stringify({ reason: '     ' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'reason' })]);
  });

  it('Open311 form bodies follow the same rules (its own error list)', async () => {
    const before = await countEvents(svc);
    const form = new URLSearchParams({ api_key: key, service_code: 'FIRE_LANE_BLOCKED', description: '通道\u0000堵塞', address_string: '福缘里 5 号' }).toString();
    const res = await svc.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual([{ code: 422, description: expect.stringContaining('description') }]);
    expect(await countEvents(svc)).toBe(before);
  });

  it(`~${fuzzRuns()} odd bodies at every POST route: never a 5xx, errors as problem+json, a refused one appends nothing, /health still answers`, async () => {
    const withdrawn = await blow(svc, token, whistleBody(6));
    expect((await post(`/api/v1/whistles/${withdrawn.id}/withdraw`, JSON.stringify({ reason: '重复上报' }))).statusCode).toBe(200);
    const ids = [withdrawn.id, randomUUID()];
    const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
    const auth = () => ({ authorization: `Bearer ${token}` });
    const admin = await svc.token('admin', undefined, 'admin-tester');
    const routes: FuzzRoute[] = [
      { name: 'blow', url: () => '/api/v1/whistles', headers: () => ({ ...auth(), 'idempotency-key': randomUUID() }), valid: { ...whistleBody(7), attachments: [{ url: 'https://files.example.gov.cn/p/1.jpg', kind: 'photo' }], requestedDepartments: [catalog.departments[0].id] } },
      { name: 'withdraw', url: () => `/api/v1/whistles/${pick(ids)}/withdraw`, headers: auth, valid: { reason: '已由社区自行解决' } },
      { name: 'confirm', url: () => `/api/v1/whistles/${pick(ids)}/confirm`, headers: auth, valid: {} },
      { name: 'reopen', url: () => `/api/v1/whistles/${pick(ids)}/reopen`, headers: auth, valid: { reason: '通道仍被占用' } },
      { name: 'feedback', url: () => `/api/v1/feedback/${randomUUID()}`, valid: { rating: 'SATISFIED', comment: '很快就处理好了' } },
      { name: 'open311-keys', url: () => '/api/v1/open311-keys', headers: () => ({ authorization: `Bearer ${admin}` }), valid: { streetId: street.id, label: '街道网格化平台', expiresAt: '2099-12-31T23:59:59+08:00' } },
      {
        name: 'open311',
        open311: true,
        url: () => '/open311/v2/requests.json',
        valid: { api_key: key, service_code: 'FIRE_LANE_BLOCKED', description: '福缘里通道被占用', address_string: '和平区福缘里 8 号', lat: 39.12, long: 117.2, 'attribute[households_affected]': 5 },
      },
    ];
    const started = Date.now();
    const stats = await fuzzBoundary(svc, routes, { numRuns: fuzzRuns(), countEvents: () => countEvents(svc) });
    console.log(`intake: ${stats.requests} odd requests in ${Date.now() - started} ms, by status ${JSON.stringify(stats.byStatus)}`);
    expect(Object.keys(stats.byStatus).every((s) => Number(s) < 500)).toBe(true);
    const health = await svc.inject('GET', '/health');
    expect(health.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { signDevToken } from '@chuishao/auth';
import { deleteTestTopics, freshDatabase, startServiceForTest, testTopicPrefix, TEST_JWT_SECRET, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';
import { blow, catalog, complete, countEvents, issueOpen311Key, summon, waitForView, whistleBody } from './intake-test-kit';

const street = catalog.streets[0];
const other = catalog.streets[1];
const FEEDBACK_1 = 'feedback-secret-one-feedback-secret-one-0123';
const FEEDBACK_2 = 'feedback-secret-two-feedback-secret-two-4567';
const JWT_2 = 'rotated-jwt-secret-rotated-jwt-secret-890123';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const open311Post = (key: string, n: number) => ({
  payload: new URLSearchParams({ api_key: key, service_code: 'FIRE_LANE_BLOCKED', description: `福缘里通道被占用 ${n}`, address_string: `和平区福缘里 ${n} 号` }).toString(),
  headers: form,
});

/** Open311 keys as data (contract §14): admin issues, lists and revokes; only hashes are kept. */
describe('Open311 keys at /api/v1/open311-keys', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const prefix = testTopicPrefix('intake_keys');
  let svc: ServiceUnderTest;
  let admin: string;
  const savedFeedback = process.env['CHUISHAO_FEEDBACK_SECRET'];

  const start = (jwtSecret = TEST_JWT_SECRET) =>
    startServiceForTest(intakeService, { label: 'intake_keys', shared: { db, prefix }, env: { CHUISHAO_JWT_SECRET: jwtSecret } });

  beforeAll(async () => {
    db = await freshDatabase('intake_keys');
    process.env['CHUISHAO_FEEDBACK_SECRET'] = FEEDBACK_1;
    svc = await start();
    admin = await svc.token('admin', undefined, 'admin.wang');
  });
  afterAll(async () => {
    await svc.stop();
    await db.drop().catch(() => undefined);
    await deleteTestTopics(prefix);
    if (savedFeedback === undefined) delete process.env['CHUISHAO_FEEDBACK_SECRET'];
    else process.env['CHUISHAO_FEEDBACK_SECRET'] = savedFeedback;
  });

  it('admin issues a key (shown once), lists it without key or hash, and the key works on Open311', async () => {
    const issued = await svc.inject('POST', '/api/v1/open311-keys', { token: admin, body: { streetId: street.id, label: '网格化平台', expiresAt: '2099-12-31T23:59:59+08:00' } });
    expect(issued.status).toBe(201);
    expect(issued.headers['location']).toBe(`/api/v1/open311-keys/${issued.json.id}`);
    expect(issued.headers['cache-control']).toBe('no-store');
    expect(issued.json).toEqual({
      id: expect.any(String),
      streetId: street.id,
      label: '网格化平台',
      prefix: (issued.json.key as string).slice(0, 13),
      key: expect.stringMatching(/^o311_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
      createdBy: 'admin.wang',
      expiresAt: '2099-12-31T15:59:59.000Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    const key = issued.json.key as string;

    const created = await svc.inject('POST', '/open311/v2/requests.json', open311Post(key, 1));
    expect(created.status).toBe(201);
    const id = created.json[0].service_request_id as string;
    const view = await svc.inject('GET', `/api/v1/whistles/${id}`, { token: await svc.token('street', street.id) });
    expect(view.json.streetId).toBe(street.id);

    const list = await svc.inject('GET', `/api/v1/open311-keys?streetId=${street.id}`, { token: admin });
    expect(list.status).toBe(200);
    const listed = list.json.items.find((k: { id: string }) => k.id === issued.json.id);
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'label', 'lastUsedAt', 'prefix', 'revokedAt', 'streetId']);
    expect(list.body).not.toContain(key);
    expect(list.body).not.toContain(createHash('sha256').update(key).digest('hex'));
    const otherStreet = await svc.inject('GET', `/api/v1/open311-keys?streetId=${other.id}`, { token: admin });
    expect(otherStreet.json.items.map((k: { id: string }) => k.id)).not.toContain(issued.json.id);

    // the audit trail: events with the hash, never the key; the whistle names the key that blew it
    const rows: Array<{ type: string; data: unknown; metadata: { actor: { sub: string } } }> = await svc.dataSource.query(
      `SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_position`,
      [`open311key-${issued.json.id}`],
    );
    expect(rows.map((r) => r.type)).toEqual(['Open311KeyIssued']);
    expect(rows[0].data).toMatchObject({ keyId: issued.json.id, keyHash: createHash('sha256').update(key).digest('hex') });
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(rows[0].metadata.actor.sub).toBe('admin.wang');
    const [blown] = await svc.dataSource.query(`SELECT metadata FROM events WHERE stream_id = $1 AND type = 'WhistleBlown'`, [`whistle-${id}`]);
    expect(blown.metadata.actor).toMatchObject({ role: 'street', org: street.id, sub: `open311-key:${issued.json.id}` });
  });

  it('a revoked key → 403 in Open311’s own shape; revoking again is 204; an unknown id 404', async () => {
    const { id, key } = await issueOpen311Key(svc, street.id);
    expect((await svc.inject('POST', '/open311/v2/requests.json', open311Post(key, 2))).status).toBe(201);
    const revoked = await svc.inject('DELETE', `/api/v1/open311-keys/${id}`, { token: admin });
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBe('');
    const before = await countEvents(svc);
    for (const [method, url, opts] of [
      ['POST', '/open311/v2/requests.json', open311Post(key, 3)],
      ['GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}`, {}],
    ] as const) {
      const res = await svc.inject(method, url, opts);
      expect(res.status).toBe(403);
      expect(res.json).toEqual([{ code: 403, description: 'api_key 已吊销 / This api_key has been revoked' }]);
    }
    expect((await svc.inject('DELETE', `/api/v1/open311-keys/${id}`, { token: admin })).status).toBe(204);
    expect(await countEvents(svc)).toBe(before);
    const types = await svc.dataSource.query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_position`, [`open311key-${id}`]);
    expect(types.map((r: { type: string }) => r.type)).toEqual(['Open311KeyIssued', 'Open311KeyRevoked']);
    const listed = (await svc.inject('GET', '/api/v1/open311-keys', { token: admin })).json.items.find((k: { id: string }) => k.id === id);
    expect(listed.revokedAt).toEqual(expect.any(String));

    const unknown = await svc.inject('DELETE', `/api/v1/open311-keys/${randomUUID()}`, { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await svc.inject('DELETE', '/api/v1/open311-keys/not-a-uuid', { token: admin })).status).toBe(400);
    // the other street's keys are untouched
    const theirs = await issueOpen311Key(svc, other.id);
    expect((await svc.inject('POST', '/open311/v2/requests.json', open311Post(theirs.key, 4))).status).toBe(201);
  });

  it('an expired key → 403 (expired)', async () => {
    const { key } = await issueOpen311Key(svc, street.id, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await svc.inject('POST', '/open311/v2/requests.json', open311Post(key, 5))).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1600));
    const res = await svc.inject('POST', '/open311/v2/requests.json', open311Post(key, 6));
    expect(res.status).toBe(403);
    expect(res.json[0].description).toContain('expired');
  });

  it('only admin: every other role 403, no token 401; invalid bodies 422/400; a refusal appends nothing', async () => {
    const before = await countEvents(svc);
    for (const [role, org] of [['street', street.id], ['department', catalog.departments[0].id], ['command-center'], ['assessment-office']] as const) {
      const token = await svc.token(role, org);
      expect((await svc.inject('POST', '/api/v1/open311-keys', { token, body: { streetId: street.id } })).status).toBe(403);
      expect((await svc.inject('GET', '/api/v1/open311-keys', { token })).status).toBe(403);
      expect((await svc.inject('DELETE', `/api/v1/open311-keys/${randomUUID()}`, { token })).status).toBe(403);
    }
    expect((await svc.inject('POST', '/api/v1/open311-keys', { body: { streetId: street.id } })).status).toBe(401);
    expect((await svc.inject('GET', '/api/v1/open311-keys')).status).toBe(401);
    for (const [body, status, field] of [
      [{}, 422, 'streetId'],
      [{ streetId: randomUUID() }, 422, 'streetId'],
      [{ streetId: street.id, expiresAt: '2020-01-01T00:00:00Z' }, 422, 'expiresAt'],
      [{ streetId: street.id, expiresAt: 'tomorrow' }, 422, 'expiresAt'],
      [{ streetId: street.id, label: '   ' }, 422, 'label'],
      [{ streetId: street.id, label: 'x'.repeat(121) }, 422, 'label'],
      [{ streetId: street.id, key: 'o311_mine' }, 400, undefined],
    ] as const) {
      const res = await svc.inject('POST', '/api/v1/open311-keys', { token: admin, body });
      expect([res.status, res.json.errors?.[0]?.field]).toEqual([status, field ?? res.json.errors?.[0]?.field]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await svc.inject('GET', '/api/v1/open311-keys?streetId=nope', { token: admin })).status).toBe(422);
    expect(await countEvents(svc)).toBe(before);
  });

  it('rotating one secret voids nothing else: JWT secret → keys and feedback links work; feedback secret → tokens and keys work', async () => {
    const { key } = await issueOpen311Key(svc, street.id);
    const streetToken = await svc.token('street', street.id);
    const w = await blow(svc, streetToken, whistleBody(90));
    const { leadId, lead } = await summon(svc, w.id);
    await complete(svc, w.id, leadId, lead);
    await waitForView(svc, w.id, (v) => v.status === 'COMPLETED');
    const confirmed = await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: streetToken, body: {} });
    const link = confirmed.json.feedback.link as string;

    // 1. a new JWT secret (same feedback secret): old tokens die, keys and the link live on
    await svc.stop();
    svc = await start(JWT_2);
    const rotatedStreet = await signDevToken({ sub: 'street-tester', role: 'street', org: street.id }, JWT_2, 600);
    expect((await svc.inject('GET', `/api/v1/whistles/${w.id}`, { token: streetToken })).status).toBe(401);
    const again = await svc.inject('GET', `/api/v1/whistles/${w.id}`, { token: rotatedStreet });
    expect(again.json.feedback.link).toBe(link);
    expect((await svc.inject('GET', `/api/v1${link}`)).status).toBe(200);
    expect((await svc.inject('POST', '/open311/v2/requests.json', open311Post(key, 91))).status).toBe(201);

    // 2. a new feedback secret (same JWT secret): tokens and keys live on, the handed-out link too
    await svc.stop();
    process.env['CHUISHAO_FEEDBACK_SECRET'] = FEEDBACK_2;
    svc = await start(JWT_2);
    expect((await svc.inject('GET', `/api/v1/whistles/${w.id}`, { token: rotatedStreet })).status).toBe(200);
    expect((await svc.inject('POST', '/open311/v2/requests.json', open311Post(key, 92))).status).toBe(201);
    expect((await svc.inject('GET', `/api/v1${link}`)).status).toBe(200);
    expect((await svc.inject('POST', `/api/v1${link}`, { body: { rating: 'SATISFIED', comment: '处理及时' } })).status).toBe(201);
    admin = await signDevToken({ sub: 'admin.wang', role: 'admin' }, JWT_2, 600);
  });
});

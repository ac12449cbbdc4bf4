import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';
import { blow, catalog, issueOpen311Key, publishWhistleEvent, summon, waitForView, whistleBody } from './intake-test-kit';

// 公示公开 (contract §13, §9): the public answers never carry a personal field of a whistle.
process.env['CHUISHAO_PUBLIC_CACHE_SECONDS'] = '0';
process.env['CHUISHAO_PUBLIC_BASE_URL'] = 'https://chuishao.example.gov.cn';

const street = catalog.streets[0];
const community = street.communities[1];
const xml = new XMLParser({ ignoreAttributes: false });

/** Distinctive personal strings typed by the street, the departments and the resident. */
const PERSONAL = {
  title: '张三家门口 13912345678 福缘里7号楼 身份证11010519491231002X',
  description: 'PII-DESCRIPTION 联系人李四 电话１３９１２３４５６７８',
  address: 'PII-ADDRESS 和平区福缘里7号楼2单元501',
  photo: 'https://files.example.gov.cn/PII-PHOTO.jpg',
  result: 'PII-RESULT 已联系王五 13800001111',
  withdrawReason: 'PII-WITHDRAW 业主赵六要求撤回',
  comment: 'PII-COMMENT 我是孙七 13700002222',
};
const NEEDLES = ['PII-', '13912345678', '１３９１２３４５６７８', '11010519491231002X', '福缘里7号', '张三', '李四', '王五', '赵六', '孙七', '13800001111', '13700002222', '39.1207', '117.2008'];

function expectNoPersonalData(what: string, text: string) {
  for (const needle of NEEDLES) if (text.includes(needle)) throw new Error(`${what} contains ${needle}`);
}

async function triage(svc: ServiceUnderTest, whistleId: string) {
  await publishWhistleEvent(
    svc,
    whistleId,
    'WhistleTriaged',
    {
      whistleId,
      streetId: street.id,
      situationCode: 'FIRE_LANE_BLOCKED',
      area: catalog.situation('FIRE_LANE_BLOCKED')!.area,
      level: 'RED',
      policyVersion: 1,
      rules: [{ id: 'base', level: 'RED', changed: false, reason: { zh: '基础等级', en: 'base level' } }],
      sla: { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' },
      requestedDepartments: [],
    },
    'triage',
  );
  await waitForView(svc, whistleId, (v) => (v as unknown as { level: string | null }).level !== null);
}

describe('public disclosure (公示公开) over intake', () => {
  let svc: ServiceUnderTest;
  let token: string;
  let resolved: string;
  let withdrawn: string;
  let untriaged: string;
  let feedbackLink: string;
  const served: Array<[string, string]> = [];
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await svc.inject('GET', url, { headers });
    served.push([url, res.body]);
    return res;
  };

  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_public' });
    token = await svc.token('street', street.id);
    const personal = whistleBody(0, {
      title: PERSONAL.title,
      description: PERSONAL.description,
      location: { address: PERSONAL.address, communityId: community.id, lat: 39.1207, lng: 117.2008 },
      attachments: [{ url: PERSONAL.photo, kind: 'photo' }],
    });
    // resolved: triaged, summoned, completed with a result, confirmed, rated with a comment
    resolved = (await blow(svc, token, personal)).id;
    await triage(svc, resolved);
    const { leadId, lead } = await summon(svc, resolved);
    await publishWhistleEvent(svc, resolved, 'DepartmentCompleted', {
      whistleId: resolved, assignmentId: leadId, departmentId: lead, replyId: randomUUID(), at: null, receivedAt: new Date().toISOString(), by: { name: '王五' }, note: PERSONAL.result, channel: 'http', result: PERSONAL.result,
    });
    await waitForView(svc, resolved, (v) => v.status === 'COMPLETED');
    const confirmed = await svc.inject('POST', `/api/v1/whistles/${resolved}/confirm`, { token, body: {} });
    expect(confirmed.status).toBe(200);
    feedbackLink = confirmed.json.feedback.link;
    // withdrawn after triage, with a personal reason
    withdrawn = (await blow(svc, token, { ...personal, title: `${PERSONAL.title} 2` })).id;
    await triage(svc, withdrawn);
    expect((await svc.inject('POST', `/api/v1/whistles/${withdrawn}/withdraw`, { token, body: { reason: PERSONAL.withdrawReason } })).status).toBe(200);
    // blown, never triaged: not public
    untriaged = (await blow(svc, token, { ...personal, title: `${PERSONAL.title} 3` })).id;
  });
  afterAll(() => svc.stop());

  it('the feedback page follows the case before and after rating, and the QR code encodes the public link', async () => {
    const token2 = feedbackLink.split('/').pop()!;
    const before = await get(`/api/v1/feedback/${token2}`);
    expect(before.status).toBe(200);
    expect(before.json.progress).toMatchObject({ id: resolved, status: 'RESOLVED', progress: 'DONE', community: { id: community.id, name: community.name } });
    const qr = await svc.inject('GET', `/api/v1/whistles/${resolved}/feedback-qr.svg`, { token });
    expect(qr.status).toBe(200);
    expect(qr.headers['content-type']).toContain('image/svg+xml');
    expect(qr.body).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await svc.inject('GET', `/api/v1/whistles/${resolved}/feedback-qr.svg`, { token: await svc.token('street', catalog.streets[1].id) })).status).toBe(403);
    expect((await svc.inject('GET', `/api/v1/whistles/${withdrawn}/feedback-qr.svg`, { token })).status).toBe(404);
    const rated = await svc.inject('POST', `/api/v1/feedback/${token2}`, { body: { rating: 'SATISFIED', comment: PERSONAL.comment } });
    expect(rated.status).toBe(201);
    expect((await svc.inject('GET', `/api/v1/whistles/${resolved}/feedback-qr.svg`, { token })).status).toBe(404); // the link is used
    const after = await get(`/api/v1/feedback/${token2}`);
    expect(after.json.progress).toMatchObject({ id: resolved, status: 'RESOLVED' });
    expect(after.json.feedback.status).toBe('GIVEN');
  });

  it('public whistles: triaged only, anonymised, withdrawn without its reason; filters, cursor and ETag', async () => {
    const list = await get('/api/v1/public/whistles');
    expect(list.status).toBe(200);
    const ids = list.json.items.map((w: { id: string }) => w.id);
    expect(ids).toEqual(expect.arrayContaining([resolved, withdrawn]));
    expect(ids).not.toContain(untriaged);
    const one = await get(`/api/v1/public/whistles/${withdrawn}`);
    expect(one.json).toMatchObject({ status: 'WITHDRAWN', progress: 'WITHDRAWN', title: catalog.situation('FIRE_LANE_BLOCKED')!.name, street: { id: street.id } });
    expect((await get(`/api/v1/public/whistles/${untriaged}`)).status).toBe(404);
    expect((await get(`/api/v1/public/whistles/${randomUUID()}`)).status).toBe(404);
    const byStatus = await get(`/api/v1/public/whistles?streetId=${street.id}&status=RESOLVED`);
    expect(byStatus.json.items.map((w: { id: string }) => w.id)).toEqual([resolved]);
    const page = await get('/api/v1/public/whistles?limit=1');
    expect(page.json.items).toHaveLength(1);
    const next = await get(`/api/v1/public/whistles?limit=1&cursor=${page.json.nextCursor}`);
    expect(next.json.items[0].id).not.toBe(page.json.items[0].id);
    // caching: ETag, short max-age, 304 on If-None-Match
    expect(one.headers['etag']).toMatch(/^".+"$/);
    expect(one.headers['cache-control']).toBe('public, max-age=0');
    const again = await svc.inject('GET', `/api/v1/public/whistles/${withdrawn}`, { headers: { 'if-none-match': String(one.headers['etag']) } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('the board: counts, progress by street and community, recent whistles', async () => {
    const board = await get('/api/v1/public/board');
    expect(board.status).toBe(200);
    expect(board.json.counts.byLevel).toEqual({ RED: 0, YELLOW: 0, BLUE: 0 }); // one resolved, one withdrawn: none open
    expect(board.json.counts.byStatus).toMatchObject({ RESOLVED: 1, WITHDRAWN: 1 });
    expect(board.json.counts.byStatus.BLOWN).toBeUndefined();
    const s = board.json.progress.streets.find((x: { id: string }) => x.id === street.id);
    expect(s).toMatchObject({ name: street.name, done: 1, inProgress: 0, late: 0 });
    expect(s.communities).toEqual([{ id: community.id, name: community.name, done: 1, inProgress: 0, late: 0 }]);
    expect(board.json.progress.streets).toHaveLength(catalog.streets.length);
    expect(board.json.recent.map((w: { id: string }) => w.id)).toEqual(expect.arrayContaining([resolved, withdrawn]));
  });

  it('the Atom feed lists resolved whistles per street with links on the public base URL', async () => {
    const feed = await get(`/api/v1/public/feed.atom?streetId=${street.id}`);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    const doc = xml.parse(feed.body);
    const entries = [doc.feed.entry].flat().filter(Boolean);
    expect(entries.map((e: { id: string }) => e.id)).toEqual([`urn:uuid:${resolved}`]);
    expect(entries[0].link['@_href']).toBe(`https://chuishao.example.gov.cn/api/v1/public/whistles/${resolved}`);
    const other = await get(`/api/v1/public/feed.atom?streetId=${catalog.streets[1].id}`);
    expect([xml.parse(other.body).feed.entry].flat().filter(Boolean)).toHaveLength(0);
  });

  it('Open311 without a key: the public view, in JSON and XML, read by a standard parser; discovery on the configured base URL', async () => {
    const discovery = await svc.inject('GET', '/open311/v2/discovery.xml', { headers: { 'x-forwarded-host': 'evil.example', host: 'internal:8081' } });
    expect(xml.parse(discovery.body).discovery.endpoints.endpoint.url).toBe('https://chuishao.example.gov.cn/open311/v2');
    const services = xml.parse((await get('/open311/v2/services.xml')).body);
    expect(services.services.service).toHaveLength(43);
    const list = await get('/open311/v2/requests.xml');
    expect(list.status).toBe(200);
    const requests = [xml.parse(list.body).service_requests.request].flat();
    const ids = requests.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toEqual(expect.arrayContaining([resolved, withdrawn]));
    expect(ids).not.toContain(untriaged);
    const mine = requests.find((r: { service_request_id: string }) => r.service_request_id === resolved);
    expect(mine).toMatchObject({ status: 'closed', service_code: 'FIRE_LANE_BLOCKED', address: `${street.name} ${community.name}`, description: '', lat: '', long: '', media_url: '' });
    const json = await get(`/open311/v2/requests/${resolved}.json`);
    expect(json.json[0]).toMatchObject({ service_request_id: resolved, status: 'closed', description: null, lat: null, media_url: null });
    // public answers carry ETag and a short max-age; a client that has the answer gets 304
    expect(json.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect((await get(`/open311/v2/requests/${resolved}.json`, { 'if-none-match': String(json.headers.etag) })).status).toBe(304);
    expect((await get('/open311/v2/requests.xml', { 'if-none-match': String(list.headers.etag) })).status).toBe(304);
    expect((await get(`/open311/v2/requests/${untriaged}.json`)).status).toBe(404);
    // with the street's key: its full records, as before
    const { key } = await issueOpen311Key(svc, street.id);
    const full = await svc.inject('GET', `/open311/v2/requests/${untriaged}.json?api_key=${encodeURIComponent(key)}`);
    expect(full.json[0].description).toBe(PERSONAL.description);
  });

  it('hostile queries answer 4xx, never 5xx', async () => {
    for (const [url, status] of [
      ['/api/v1/public/whistles?cursor=not-a-cursor', 400],
      ['/api/v1/public/whistles?cursor=%00', 422], // U+0000 is refused (contract §10)
      [`/api/v1/public/whistles?streetId=${randomUUID()}`, 422],
      ['/api/v1/public/whistles?streetId=nope', 422],
      ['/api/v1/public/whistles?status=BLOWN', 422],
      ['/api/v1/public/whistles?limit=100000', 422],
      ['/api/v1/public/whistles/not-a-uuid', 400],
      [`/api/v1/public/feed.atom?streetId=${randomUUID()}`, 422],
      ['/open311/v2/requests.json?status=pending', 400],
      ['/open311/v2/requests/nope.json', 404],
    ] as const) {
      const res = await svc.inject('GET', url);
      expect([url, res.status]).toEqual([url, status]);
    }
  });

  it('no public answer carries a personal field of the seeded whistles', async () => {
    expect(served.length).toBeGreaterThan(10);
    for (const [url, body] of served) expectNoPersonalData(url, body);
  });
});

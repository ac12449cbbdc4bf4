import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';
import { catalog, complete, countEvents, issueOpen311Key, NEVER_ISSUED_KEY, summon, waitForView } from './intake-test-kit';

const street = catalog.streets[0];
const other = catalog.streets[1];

/** The text of every <tag>…</tag> in a document (enough to read Open311's flat XML). */
function xmlAll(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
}
const xml1 = (xml: string, tag: string) => xmlAll(xml, tag)[0];

describe('Open311 GeoReport v2 at /open311/v2', () => {
  let svc: ServiceUnderTest;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_open311' });
    key = (await issueOpen311Key(svc, street.id)).key;
    otherKey = (await issueOpen311Key(svc, other.id)).key;
  });
  afterAll(() => svc.stop());

  it('a client’s exchange in JSON: discovery → services → definition → POST (form) → GET by id → GET list', async () => {
    const discovery = await svc.inject('GET', '/open311/v2/discovery.json');
    expect(discovery.status).toBe(200);
    expect(discovery.json.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['application/json', 'text/xml'] });
    expect(discovery.json.endpoints[0].url).toMatch(/\/open311\/v2$/);

    const services = await svc.inject('GET', '/open311/v2/services.json');
    expect(services.status).toBe(200);
    expect(services.headers['content-type']).toContain('application/json');
    expect(services.json).toHaveLength(43);
    const fireLane = catalog.situation('FIRE_LANE_BLOCKED')!;
    expect(services.json.find((s: { service_code: string }) => s.service_code === fireLane.code)).toEqual({
      service_code: fireLane.code,
      service_name: fireLane.name,
      description: `${fireLane.name} / ${fireLane.nameEn}`,
      metadata: true,
      type: 'realtime',
      keywords: expect.any(String),
      group: catalog.area(fireLane.area)!.name,
    });
    expect(new Set(services.json.map((s: { group: string }) => s.group)).size).toBe(5);

    const definition = await svc.inject('GET', '/open311/v2/services/FIRE_LANE_BLOCKED.json');
    expect(definition.status).toBe(200);
    expect(definition.json.service_code).toBe('FIRE_LANE_BLOCKED');
    expect(definition.json.attributes.map((a: { code: string; datatype: string }) => [a.code, a.datatype])).toEqual([
      ['life_safety', 'singlevaluelist'],
      ['households_affected', 'number'],
    ]);

    const before = await countEvents(svc);
    const form = new URLSearchParams({
      api_key: key,
      service_code: 'FIRE_LANE_BLOCKED',
      description: '福缘里小区两排楼之间的通道被早餐三轮车占用，液化气罐距一楼窗户不足两米。',
      address_string: '和平区劝业场街道福缘里 3 号楼',
      lat: '39.1207',
      long: '117.2008',
      'attribute[life_safety]': 'true',
      'attribute[households_affected]': '80',
      email: 'resident@example.com',
    }).toString();
    const created = await svc.inject('POST', '/open311/v2/requests.json', { payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual([{ service_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/), service_notice: expect.any(String), account_id: null }]);
    const id = created.json[0].service_request_id as string;
    expect(await countEvents(svc)).toBe(before + 1);
    const [blown] = await svc.dataSource.query(`SELECT data FROM events WHERE type = 'WhistleBlown' AND data->>'whistleId' = $1`, [id]);
    expect(blown.data).toMatchObject({
      streetId: street.id,
      channel: 'open311',
      title: '福缘里小区两排楼之间的通道被早餐三轮车占用，液化气罐距一楼窗户不足两米。',
      hints: { lifeSafety: true, householdsAffected: 80 },
      location: { address: '和平区劝业场街道福缘里 3 号楼', lat: 39.1207, lng: 117.2008 },
    });
    expect(JSON.stringify(blown.data)).not.toContain('resident@example.com');

    // a retry of the same request is the same whistle, no new event
    const retry = await svc.inject('POST', '/open311/v2/requests.json', { payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(retry.status).toBe(200);
    expect(retry.json[0].service_request_id).toBe(id);
    expect(await countEvents(svc)).toBe(before + 1);

    const one = await svc.inject('GET', `/open311/v2/requests/${id}.json?api_key=${encodeURIComponent(key)}`);
    expect(one.status).toBe(200);
    expect(one.json).toHaveLength(1);
    expect(one.json[0]).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'FIRE_LANE_BLOCKED',
      address: '和平区劝业场街道福缘里 3 号楼',
      lat: 39.1207,
      long: 117.2008,
      agency_responsible: catalog.department(fireLane.leadDepartment)!.name,
    });
    expect(Date.parse(one.json[0].requested_datetime)).not.toBeNaN();

    const list = await svc.inject('GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&status=open&service_code=FIRE_LANE_BLOCKED`);
    expect(list.status).toBe(200);
    expect(list.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    const closed = await svc.inject('GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&status=closed`);
    expect(closed.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
    const byId = await svc.inject('GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&service_request_id=${id}`);
    expect(byId.json).toHaveLength(1);
  });

  it('the same exchange in XML, with a JSON POST', async () => {
    const discovery = await svc.inject('GET', '/open311/v2/discovery.xml');
    expect(discovery.status).toBe(200);
    expect(discovery.headers['content-type']).toContain('text/xml');
    expect(discovery.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<discovery>')).toBe(true);
    expect(xmlAll(discovery.body, 'format')).toEqual(['application/json', 'text/xml']);

    const services = await svc.inject('GET', '/open311/v2/services.xml');
    expect(services.status).toBe(200);
    expect(services.headers['content-type']).toContain('text/xml');
    expect(xmlAll(services.body, 'service')).toHaveLength(43);
    expect(xmlAll(services.body, 'service_code')).toContain('NEIGHBOUR_DISPUTE');
    expect(xmlAll(services.body, 'group')).toContain('矛盾排查');

    const definition = await svc.inject('GET', '/open311/v2/services/NEIGHBOUR_DISPUTE.xml');
    expect(definition.status).toBe(200);
    expect(definition.body).toContain('<service_definition>');
    expect(xmlAll(definition.body, 'attribute')).toHaveLength(2);
    expect(xmlAll(definition.body, 'key')).toEqual(['true', 'false']);

    const created = await svc.inject('POST', '/open311/v2/requests.xml', {
      body: {
        api_key: key,
        service_code: 'NEIGHBOUR_DISPUTE',
        description: '楼上楼下因漏水 <反复> 争吵 & 报警',
        lat: 39.118,
        long: 117.195,
        attribute: { households_affected: 2 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toContain('text/xml');
    expect(created.body).toContain('<service_requests>\n  <request>');
    expect(created.body).toContain('<account_id/>');
    const id = xml1(created.body, 'service_request_id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const one = await svc.inject('GET', `/open311/v2/requests/${id}.xml?api_key=${encodeURIComponent(key)}`);
    expect(one.status).toBe(200);
    expect(xml1(one.body, 'status')).toBe('open');
    expect(xml1(one.body, 'description')).toBe('楼上楼下因漏水 &lt;反复&gt; 争吵 &amp; 报警');
    expect(xml1(one.body, 'lat')).toBe('39.118');
    expect(xml1(one.body, 'address')).toBe('坐标 / coordinates 39.118,117.195');

    const list = await svc.inject('GET', `/open311/v2/requests.xml?api_key=${encodeURIComponent(key)}&service_request_id=${id}`);
    expect(xmlAll(list.body, 'request')).toHaveLength(1);
  });

  it('closed = RESOLVED or WITHDRAWN', async () => {
    const created = await svc.inject('POST', '/open311/v2/requests.json', { body: { api_key: key, service_code: 'FIRE_LANE_BLOCKED', address_string: '南京路 1 号' } });
    expect(created.status).toBe(201);
    const id = created.json[0].service_request_id as string;
    const t = await svc.token('street', street.id);
    const { leadId, lead } = await summon(svc, id);
    await complete(svc, id, leadId, lead);
    await waitForView(svc, id, (v) => v.status === 'COMPLETED');
    expect((await svc.inject('GET', `/open311/v2/requests/${id}.json?api_key=${encodeURIComponent(key)}`)).json[0].status).toBe('open');
    expect((await svc.inject('POST', `/api/v1/whistles/${id}/confirm`, { token: t, body: {} })).status).toBe(200);
    const one = await svc.inject('GET', `/open311/v2/requests/${id}.json?api_key=${encodeURIComponent(key)}`);
    expect(one.json[0]).toMatchObject({ status: 'closed', service_name: catalog.situation('FIRE_LANE_BLOCKED')!.name, description: catalog.situation('FIRE_LANE_BLOCKED')!.name });
    expect(one.json[0].status_notes).toContain('已确认');
  });

  describe('errors are Open311’s [{"code","description"}] (XML <errors>), and append nothing', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    it.each([
      ['no api_key', 'json', 403, () => ({ payload: 'service_code=FIRE_LANE_BLOCKED&address_string=x', headers: form })],
      ['a forged api_key', 'json', 403, () => ({ payload: `api_key=${NEVER_ISSUED_KEY}&service_code=FIRE_LANE_BLOCKED&address_string=x`, headers: form })],
      ['an unknown service_code', 'xml', 400, () => ({ payload: `api_key=${encodeURIComponent(key)}&service_code=UFO&address_string=x`, headers: form })],
      ['no location', 'json', 400, () => ({ payload: `api_key=${encodeURIComponent(key)}&service_code=FIRE_LANE_BLOCKED`, headers: form })],
      ['lat not a number', 'json', 400, () => ({ payload: `api_key=${encodeURIComponent(key)}&service_code=FIRE_LANE_BLOCKED&lat=north&long=1`, headers: form })],
      ['lat out of range', 'xml', 400, () => ({ payload: `api_key=${encodeURIComponent(key)}&service_code=FIRE_LANE_BLOCKED&lat=91&long=1`, headers: form })],
      ['an over-long description', 'json', 400, () => ({ body: { api_key: key, service_code: 'FIRE_LANE_BLOCKED', address_string: 'x', description: '述'.repeat(4001) } })],
      ['a bad attribute', 'json', 400, () => ({ body: { api_key: key, service_code: 'FIRE_LANE_BLOCKED', address_string: 'x', 'attribute[life_safety]': 'maybe' } })],
      ['malformed JSON', 'json', 400, () => ({ payload: '{"api_key": ', headers: { 'content-type': 'application/json' } })],
      ['malformed JSON (xml)', 'xml', 400, () => ({ payload: '{"api_key": ', headers: { 'content-type': 'application/json' } })],
      ['a 300 KiB body', 'json', 413, () => ({ payload: `api_key=${encodeURIComponent(key)}&description=${'x'.repeat(300 * 1024)}`, headers: form })],
    ] as const)('POST with %s (%s) → %d', async (_name, format, status, make) => {
      const before = await countEvents(svc);
      const res = await svc.inject('POST', `/open311/v2/requests.${format}`, make());
      expect(res.status).toBe(status);
      if (format === 'json') {
        expect(res.headers['content-type']).toContain('application/json');
        expect(res.json).toEqual([{ code: status, description: expect.any(String) }]);
      } else {
        expect(res.headers['content-type']).toContain('text/xml');
        expect(res.body).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="utf-8"\\?>\\n<errors>\\n  <error>\\n    <code>${status}</code>\\n    <description>[^<]+</description>`));
      }
      expect(await countEvents(svc)).toBe(before);
    });

    it('GET errors: unknown service, unknown or foreign request, bad filters, a bad key', async () => {
      const t = await svc.token('street', other.id);
      const theirs = await svc.inject('POST', '/api/v1/whistles', {
        token: t,
        headers: { 'idempotency-key': 'k-open311-other' },
        body: { situationCode: 'NEIGHBOUR_DISPUTE', title: '邻里纠纷', description: '', location: { address: '小白楼' } },
      });
      expect(theirs.status).toBe(201);
      const cases: Array<[string, number]> = [
        ['/open311/v2/services/UFO.json', 404],
        ['/open311/v2/services/UFO.xml', 404],
        [`/open311/v2/requests/${theirs.json.id}.json?api_key=${encodeURIComponent(key)}`, 403],
        [`/open311/v2/requests/${theirs.json.id}.json?api_key=${encodeURIComponent(otherKey)}`, 200],
        [`/open311/v2/requests/00000000-0000-4000-8000-000000000000.json?api_key=${encodeURIComponent(key)}`, 404],
        // without a key the GETs are public (contract §9): an untriaged whistle is not public yet
        [`/open311/v2/requests/${theirs.json.id}.json`, 404],
        [`/open311/v2/requests.json`, 200],
        [`/open311/v2/requests.json?api_key=`, 200],
        [`/open311/v2/requests.json?api_key=forged`, 403],
        [`/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&status=pending`, 400],
        [`/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&start_date=yesterday`, 400],
        [`/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&service_request_id=1,2`, 400],
        ['/open311/v2/nothing.json', 404],
        ['/open311/v2/services.csv', 404],
      ];
      for (const [url, status] of cases) {
        const res = await svc.inject('GET', url);
        expect([url, res.status]).toEqual([url, status]);
        if (status !== 200 && url.includes('.xml')) expect(res.body).toContain(`<errors>\n  <error>\n    <code>${status}</code>`);
        else if (status !== 200) expect([url, res.json]).toEqual([url, [{ code: status, description: expect.any(String) }]]);
      }
      const list = await svc.inject('GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}`);
      expect(list.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(theirs.json.id);
    });

    it('form bodies are accepted under /open311/v2 only', async () => {
      const t = await svc.token('street', street.id);
      const res = await svc.inject('POST', '/api/v1/whistles', {
        token: t,
        headers: { 'idempotency-key': 'k-form', 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'situationCode=FIRE_LANE_BLOCKED&title=x&description=&location=x',
      });
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });
});

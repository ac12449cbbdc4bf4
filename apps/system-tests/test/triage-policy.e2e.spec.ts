import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { TestStack } from '../src/harness';

const catalog = defaultCatalog();
const street = catalog.streets[0];

/** v2: households threshold 10 (not 50), faster YELLOW, BLUE completes in 4 days. */
const V2 = {
  sla: {
    RED: { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' },
    YELLOW: { report: 'PT1H', arrive: 'PT12H', complete: 'PT48H' },
    BLUE: { report: 'PT12H', arrive: 'PT48H', complete: 'P4D' },
  },
  rules: {
    base: { enabled: true },
    'life-safety': { enabled: true, level: 'RED' },
    'households-affected': { enabled: true, threshold: 10, steps: 1 },
    recurring: { enabled: true, minEarlier: 2, radiusMeters: 200, windowDays: 30, steps: 1 },
    'emergency-floor': { enabled: true, area: 'EMERGENCY', floor: 'YELLOW' },
  },
};

describe('triage policy and override through the gateway (all services as processes)', () => {
  const stack = new TestStack('triage_policy');
  let streetToken: string;
  let cc: string;

  beforeAll(async () => {
    await stack.start();
    streetToken = await stack.token('street', street.id);
    cc = await stack.token('command-center', undefined, 'cc-duty-officer');
  });
  afterAll(() => stack.stop());

  const blow = async (households: number) => {
    const res = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        situationCode: 'STREET_VENDING',
        title: '早市占道经营',
        description: '摊位占满消防通道两侧。',
        location: { address: `和平区劝业场街道绵阳道 ${households} 号` },
        hints: { lifeSafety: false, householdsAffected: households },
      },
    });
    if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
    return res.json.id as string;
  };
  const triagedView = (id: string) =>
    eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken });
      return r.json?.triage ? r.json : undefined;
    }, 20000);

  it('a street reads v1 and may not publish; the command center publishes v2', async () => {
    const v1 = await stack.http('GET', '/api/v1/policies/triage', { token: streetToken });
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ version: 1, publishedAt: null, sla: { RED: { report: 'PT15M' } } });
    expect((await stack.http('POST', '/api/v1/policies/triage', { token: streetToken, body: V2 })).status).toBe(403);
    const invalid = await stack.http('POST', '/api/v1/policies/triage', { token: cc, body: { ...V2, rules: { ...V2.rules, surge: { enabled: true } } } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.errors).toEqual([expect.objectContaining({ field: 'rules.surge' })]);
    const v2 = await stack.http('POST', '/api/v1/policies/triage', { token: cc, body: { ...V2, version: 2 } });
    expect(v2.status).toBe(201);
    expect(v2.json).toMatchObject({ version: 2, publishedBy: { role: 'command-center', sub: 'cc-duty-officer' } });
  });

  it('a whistle blown after v2 is triaged with it; the command center overrides it with a reason, visible in the audit stream', async () => {
    const id = await blow(20);
    const view = await triagedView(id);
    expect(view.level).toBe('YELLOW');
    expect(view.triage).toMatchObject({ policyVersion: 2 });

    expect((await stack.http('POST', `/api/v1/whistles/${id}/triage-override`, { token: streetToken, body: { level: 'RED', reason: '要求提级' } })).status).toBe(403);
    const noReason = await stack.http('POST', `/api/v1/whistles/${id}/triage-override`, { token: cc, body: { level: 'RED' } });
    expect(noReason.status).toBe(422);

    const ok = await stack.http('POST', `/api/v1/whistles/${id}/triage-override`, { token: cc, body: { level: 'RED', reason: '现场核实液化气罐泄漏' } });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ whistleId: id, level: 'RED', from: 'YELLOW', reason: '现场核实液化气罐泄漏', policyVersion: 2 });

    const audit = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: cc });
      return r.json?.events?.some((e: { type: string }) => e.type === 'TriageOverridden') ? r.json : undefined;
    }, 20000);
    const overridden = audit.events.find((e: { type: string }) => e.type === 'TriageOverridden');
    expect(overridden.data).toEqual({ whistleId: id, from: 'YELLOW', to: 'RED', reason: '现场核实液化气罐泄漏', policyVersion: 2, sla: V2.sla.RED });
    expect(overridden.actor).toMatchObject({ role: 'command-center', sub: 'cc-duty-officer' });
    expect(audit.chain.valid).toBe(true);
    const after = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}`, { token: cc });
      return r.json?.level === 'RED' ? r.json : undefined;
    });
    expect(after.triage.overridden).toEqual({ from: 'YELLOW', reason: '现场核实液化气罐泄漏' });
  });
});

import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';

describe('intake in-process (harness smoke)', () => {
  let svc: ServiceUnderTest;
  const street = defaultCatalog().streets[0];
  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_smoke' });
  });
  afterAll(() => svc.stop());

  it('blows a whistle and refuses malformed JSON without appending', async () => {
    const token = await svc.token('street', street.id);
    const ok = await svc.inject('POST', '/api/v1/whistles', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode: 'STREET_VENDING', title: '占道经营', description: '', location: { address: '绵阳道市场' } },
    });
    expect(ok.status).toBe(201);
    const bad = await svc.inject('POST', '/api/v1/whistles', {
      token,
      headers: { 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      payload: '{"situationCode": ',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const [{ n }] = await svc.dataSource.query(`SELECT count(*) AS n FROM events`);
    expect(Number(n)).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { csvAsOneTable, eventually } from '@chuishao/testing';
import { currentQuarter, TestStack } from '../src/harness';

const catalog = defaultCatalog();
const street = catalog.streets[0];
const FIRE = catalog.departmentByCode('FIRE_RESCUE')!;

/**
 * Assessment end to end, through the gateway with every service a process: a whistle is blown,
 * the department reports and completes over HTTP, the street confirms, the resident gives
 * feedback through the one-time link, the street rates the department — and the assessment office
 * pulls a scorecard (JSON and CSV) whose numbers come from the events of all four services.
 */
describe('assessment end to end: from a whistle to the 50/20/30 scorecard', () => {
  const stack = new TestStack('assessment_scorecard');
  let streetToken: string;
  let fireToken: string;
  let office: string;

  beforeAll(async () => {
    await stack.start();
    streetToken = await stack.token('street', street.id);
    fireToken = await stack.token('department', FIRE.id);
    office = await stack.token('assessment-office');
  });
  afterAll(() => stack.stop());

  it('scores the department from the whistle’s events, the resident’s feedback and the street’s rating', async () => {
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode: 'FIRE_LANE_BLOCKED', title: '早餐车占用消防通道', description: '液化气罐停放在一楼窗外。', location: { address: '和平区劝业场街道福缘里 3 号' }, requestedDepartments: [FIRE.id] },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const assignment = await eventually(async () => {
      const w = await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken });
      return w.json?.assignments?.find((a: { departmentId: string }) => a.departmentId === FIRE.id) as { id: string } | undefined;
    }, 30000, 100);
    expect((await stack.http('POST', `/api/v1/assignments/${assignment.id}/report`, { token: fireToken, body: { by: { name: '消防值班员' } } })).status).toBeLessThan(300);
    expect((await stack.http('POST', `/api/v1/assignments/${assignment.id}/complete`, { token: fireToken, body: { result: '通道已清理' } })).status).toBeLessThan(300);
    await eventually(async () => ((await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken })).json?.status === 'COMPLETED' ? true : undefined), 30000, 100);
    const confirmed = await stack.http('POST', `/api/v1/whistles/${id}/confirm`, { token: streetToken, body: {} });
    expect(confirmed.status).toBe(200);
    const link = await eventually(async () => {
      const w = await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken });
      return (w.json?.feedback?.link as string | undefined) ?? (confirmed.json?.feedback?.link as string | undefined);
    }, 30000, 100);
    const token = link.split('/').pop()!;
    expect((await stack.http('POST', `/api/v1/feedback/${token}`, { body: { rating: 'BASICALLY_SATISFIED', comment: '处理得还行' } })).status).toBeLessThan(300);

    const period = currentQuarter();
    const rated = await stack.http('POST', '/api/v1/street-ratings', { token: streetToken, body: { period, departmentId: FIRE.id, deductions: [{ points: 5, reason: '到场前未电话联系街道' }] } });
    expect(rated.status).toBe(201);
    const noReason = await stack.http('POST', '/api/v1/street-ratings', { token: streetToken, body: { period, departmentId: FIRE.id, deductions: [{ points: 5 }] } });
    expect(noReason.status).toBe(422);
    expect(noReason.json.errors[0].field).toBe('deductions[0].reason');

    // completion 100 (on time), satisfaction 80, perception 95 → 50 + 16 + 28.5 = 94.50 优秀
    const row = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/assessment/scorecards?period=${period}`, { token: office });
      const fire = r.json?.rows?.find((x: { departmentId: string }) => x.departmentId === FIRE.id);
      return fire?.satisfaction?.responses === 1 ? fire : undefined;
    }, 30000, 200);
    expect(row).toMatchObject({
      completion: { score: 100, counted: 1, onTime: 1 },
      satisfaction: { score: 80, responses: 1 },
      perception: { score: 95, ratings: 1 },
      total: 94.5,
      grade: 'EXCELLENT',
      rank: null, // one counted assignment: fewer than the policy's minimumSample (5), so no rank (样本不足)
      insufficientSample: true,
    });
    expect(row.explanations.map((e: { kind: string }) => e.kind)).toEqual(['FEEDBACK', 'DEDUCTION']);

    const csv = await fetch(`${stack.base}/api/v1/assessment/scorecards?period=${period}&format=csv`, { headers: { authorization: `Bearer ${office}` } });
    expect(csv.status).toBe(200);
    const { rows } = csvAsOneTable(Buffer.from(await csv.arrayBuffer()));
    const fire = rows.filter((r) => r['部门'] === FIRE.name);
    expect(fire.map((r) => r['类别'])).toEqual(['群众评价', '街道扣分']); // one row per lost point, the scores on each
    expect(Object.values(fire[0]).slice(3, 18)).toEqual([FIRE.name, '100', '1', '1', '0', '0', '0', '80', '1', '95', '1', '94.5', '优秀', '', '样本不足']); // no rank: the sample is too small

    const summary = await stack.http('GET', '/api/v1/analytics/summary', { token: streetToken });
    expect(summary.json).toMatchObject({ streetId: street.id, total: 1, byStatus: [{ status: 'RESOLVED', count: 1 }] });
  });
});

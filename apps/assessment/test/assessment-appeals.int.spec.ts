import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import ExcelJS from 'exceljs';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import { csvAsOneTable, eventually, LOCAL_TIME, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { assessmentService } from '../src/assessment.service';
import { envelope, type Json } from './envelopes';

const catalog = defaultCatalog();
const A = catalog.departmentByCode('FIRE_RESCUE')!;
const B = catalog.departmentByCode('PUBLIC_SECURITY')!;
const S1 = catalog.streets[0];

const deadlines = (summoned: string, completeBy: string) => ({
  reportBy: new Date(Date.parse(summoned) + 3600_000).toISOString(),
  arriveBy: new Date(Date.parse(summoned) + 7200_000).toISOString(),
  completeBy,
});
const reply = (assignmentId: string, departmentId: string, receivedAt: string, extra: Json = {}) => ({
  assignmentId,
  departmentId,
  replyId: randomUUID(),
  at: receivedAt,
  receivedAt,
  by: { name: '值班员' },
  note: null,
  channel: 'kafka',
  ...extra,
});
const summoned = (w: string, at: string, assignments: Array<[string, string, 'LEAD' | 'ASSIST', string]>) =>
  envelope('DepartmentsSummoned', w, at, {
    level: 'YELLOW',
    summonedAt: at,
    assignments: assignments.map(([assignmentId, departmentId, role, completeBy]) => ({ assignmentId, departmentId, role, deadlines: deadlines(at, completeBy) })),
  });

/**
 * 2026-Q3 (UTC): A has a1 on time, a2 late (completed a day after its deadline), a3 missed, and a
 * dissatisfied feedback on w1; B has b1 on time. S1 rates A 90 (one deduction of 10).
 * A: completion 100·1.5/3 = 50; satisfaction 0; perception 90 → 25 + 0 + 27 = 52 一般.
 */
describe('assessment: departments, policy versions, the annual grade and appeals (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;
  let office: string;
  let deptA: string;
  let deptB: string;
  let s1: string;
  let probe: Consumer | undefined;
  const published: Array<{ key: string | null; value: Json }> = [];
  const w = Array.from({ length: 4 }, () => randomUUID());
  const a = Array.from({ length: 4 }, () => randomUUID());
  const b1 = randomUUID();
  const feedbackEvent = envelope('FeedbackGiven', w[1], '2026-07-03T00:00:00.000Z', { rating: 'DISSATISFIED', score: 0, comment: '没解决' }, 'intake');
  const events = [
    summoned(w[1], '2026-07-01T02:00:00.000Z', [[a[1], A.id, 'LEAD', '2026-07-02T02:00:00.000Z'], [b1, B.id, 'ASSIST', '2026-07-02T02:00:00.000Z']]),
    envelope('DepartmentCompleted', w[1], '2026-07-01T10:00:00.000Z', reply(a[1], A.id, '2026-07-01T10:00:00.000Z', { result: '已清理' })),
    envelope('DepartmentCompleted', w[1], '2026-07-01T11:00:00.000Z', reply(b1, B.id, '2026-07-01T11:00:00.000Z', { result: '已协助' })),
    envelope('WhistleConfirmed', w[1], '2026-07-02T00:00:00.000Z', {}, 'intake'),
    feedbackEvent,
    summoned(w[2], '2026-07-05T00:00:00.000Z', [[a[2], A.id, 'LEAD', '2026-07-06T00:00:00.000Z']]),
    envelope('DepartmentCompleted', w[2], '2026-07-07T00:00:00.000Z', reply(a[2], A.id, '2026-07-07T00:00:00.000Z', { result: '已处理' })),
    summoned(w[3], '2026-07-10T00:00:00.000Z', [[a[3], A.id, 'LEAD', '2026-07-11T00:00:00.000Z']]),
  ];
  const logged = async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM assessment_inbox_log`))[0].n);
  const get = async (url: string, token: string) => svc.inject('GET', url, { token });
  const rowOf = (card: Json, id: string) => (card.rows as Json[]).find((r) => r.departmentId === id) as Json;

  beforeAll(async () => {
    svc = await startServiceForTest(assessmentService, { label: 'assessment_appeals' });
    office = await svc.token('assessment-office');
    deptA = await svc.token('department', A.id);
    deptB = await svc.token('department', B.id);
    s1 = await svc.token('street', S1.id);
    await svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      acks: -1,
      messages: events.map((e) => ({ key: e.whistleId, value: JSON.stringify(e) })),
    });
    await eventually(async () => (await logged()) === events.length, 30000, 100);
    probe = svc.messaging.kafka.consumer({ groupId: `${svc.config.CHUISHAO_TOPIC_PREFIX}-assessment-probe` });
    await probe.connect();
    await probe.subscribe({ topic: svc.messaging.topic(TOPICS.assessmentEvents), fromBeginning: true });
    await probe.run({ eachMessage: async ({ message }) => void published.push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) }) });
    const rated = await svc.inject('POST', '/api/v1/street-ratings', { token: s1, body: { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 10, reason: '到场不及时，居民等了很久' }] } });
    expect(rated.status).toBe(201);
  });
  afterAll(async () => {
    await probe?.disconnect();
    await svc?.stop();
  });

  it('gives a department its own row only, explanations included (contract §11)', async () => {
    const all = (await get('/api/v1/assessment/scorecards?period=2026-Q3', office)).json;
    const own = await get('/api/v1/assessment/scorecards?period=2026-Q3', deptA);
    expect(own.status).toBe(200);
    expect(own.json.rows).toHaveLength(1);
    expect(own.json.rows[0]).toEqual(rowOf(all, A.id));
    expect(own.json.rows[0]).toMatchObject({ total: 52, grade: 'AVERAGE', completion: { onTime: 1, late: 1, missed: 1 } });
    expect(own.json.rows[0].explanations.map((e: Json) => e.kind)).toEqual(['LATE', 'MISSED', 'FEEDBACK', 'DEDUCTION']);
    const ownB = await get('/api/v1/assessment/scorecards?period=2026-Q3&format=csv', deptB);
    const ownRows = csvAsOneTable(Buffer.from(ownB.body, 'utf8')).rows;
    expect(ownRows.map((r) => r['部门'])).toEqual([B.name]); // its own row only
    expect(Object.values(ownRows[0]).slice(3, 10)).toEqual([B.name, '100', '1', '1', '0', '0', '0']);
    expect((await get(`/api/v1/assessment/scorecards?period=2026-Q3&departmentId=${B.id}`, deptA)).status).toBe(403);
    expect((await get(`/api/v1/assessment/scorecards?period=2026-Q3&departmentId=${A.id}&explain=false`, deptA)).json.rows).toHaveLength(1);
    expect((await get('/api/v1/assessment/scorecards?period=2026-Q3', s1)).status).toBe(403);
  });

  it('publishes a scoring policy version effective next quarter (contract §12): 422 by field, 403, 409, the event on the assessment topic', async () => {
    const eventsBefore = Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);
    const bad = await svc.inject('POST', '/api/v1/assessment/policy', { token: office, body: { effectiveFrom: '2026-Q4', weights: { completion: '0.5', satisfaction: '0.3', perception: '0.3' } } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: Json) => e.field).sort()).toEqual(['effectiveFrom', 'weights']);
    expect((await svc.inject('POST', '/api/v1/assessment/policy', { token: office, body: { effectiveFrom: '2027-Q1', colour: 'red' } })).status).toBe(400);
    expect((await svc.inject('POST', '/api/v1/assessment/policy', { token: await svc.token('command-center'), body: { effectiveFrom: '2027-Q1' } })).status).toBe(403);
    expect((await svc.inject('POST', '/api/v1/assessment/policy', { token: office, body: { effectiveFrom: '2027-Q1', version: 5 } })).status).toBe(409);
    expect(Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n)).toBe(eventsBefore);

    const current = (await get('/api/v1/assessment/policy', office)).json;
    expect(current).toMatchObject({ version: 1, minimumSample: 5, appealWindowDays: 10, extensionCap: 2, annualShare: '0.30', annualFrom: 'QUARTERS' });
    const posted = await svc.inject('POST', '/api/v1/assessment/policy', { token: office, body: { ...current, version: 2, effectiveFrom: '2027-Q1', minimumSample: 1, annualShare: '0.4' } });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ version: 2, effectiveFrom: '2027-Q1', minimumSample: 1, annualShare: '0.4', weights: current.weights });
    expect((await get('/api/v1/assessment/policy', office)).json.version).toBe(1); // not yet in force
    expect((await get('/api/v1/assessment/policy?period=2027-Q1', deptA)).json.version).toBe(2);
    expect((await get('/api/v1/assessment/policy/versions', office)).json.items.map((v: Json) => [v.version, v.effectiveFrom])).toEqual([[1, null], [2, '2027-Q1']]);
    expect((await get('/api/v1/assessment/scorecards?period=2026-Q4', office)).json.policyVersion).toBe(1);
    expect((await get('/api/v1/assessment/scorecards?period=2027-Q1', office)).json.policyVersion).toBe(2);
    const q3 = (await get('/api/v1/assessment/scorecards?period=2026-Q3', office)).json;
    expect(q3.policyVersion).toBe(1);
    expect(rowOf(q3, A.id).insufficientSample).toBe(true); // scored under v1 (minimumSample 5), not v2
    const [outbox] = await svc.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = 'policy-assessment' AND type = 'ScoringPolicyPublished'`);
    expect(outbox.n).toBe(1);
    await eventually(async () => published.some((m) => m.key === 'policy-assessment' && m.value.type === 'ScoringPolicyPublished' && (m.value.data as Json).version === 2), 15000, 100);
  });

  it('computes the annual grade from the quarters weighted by counted assignments (JSON, CSV with BOM, XLSX), a department seeing its own row', async () => {
    const r = await get('/api/v1/assessment/annual?year=2026', office);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ year: 2026, policyVersion: 1, annualShare: '0.30', annualFrom: 'QUARTERS', timeZone: 'Asia/Shanghai' });
    expect(r.json.periods.map((p: Json) => [p.period, p.policyVersion])).toEqual([['2026-Q1', 1], ['2026-Q2', 1], ['2026-Q3', 1], ['2026-Q4', 1]]);
    // A: only Q3 counts (total 52 over 3 assignments) → 52, contribution 15.6; under minimumSample 5: no rank
    expect(rowOf(r.json, A.id)).toMatchObject({ score: 52, counted: 3, grade: 'AVERAGE', rank: null, insufficientSample: true, annualContribution: 15.6 });
    expect(rowOf(r.json, B.id)).toMatchObject({ score: 100, counted: 1, grade: 'EXCELLENT', rank: null, insufficientSample: true, annualContribution: 30 });
    expect((rowOf(r.json, A.id).periods as Json[])[2]).toEqual({ period: '2026-Q3', total: 52, counted: 3 });
    const again = await get(`/api/v1/assessment/annual?year=2026&asOf=${encodeURIComponent(r.json.asOf)}`, office);
    expect(again.json).toEqual(r.json);

    const csv = await svc.app.inject({ method: 'GET', url: '/api/v1/assessment/annual?year=2026&format=csv', headers: { authorization: `Bearer ${office}` } });
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.headers['content-disposition']).toContain('chuishao-annual-2026.csv');
    const table = csvAsOneTable(csv.rawPayload); // one table: how the year was made is in columns, not a note below
    expect(table.header).toEqual(['部门', '年度得分', '计入件数', '等级', '排名', '样本不足', '年度绩效贡献分', '2026-Q1 总分', '2026-Q1 计入件数', '2026-Q2 总分', '2026-Q2 计入件数', '2026-Q3 总分', '2026-Q3 计入件数', '2026-Q4 总分', '2026-Q4 计入件数', '年度', '计算方法', '年度绩效占比', '评分办法版本', '计算时点']);
    const a = table.rows.find((r) => r['部门'] === A.name)!;
    expect(Object.values(a).slice(0, 15)).toEqual([A.name, '52', '3', '一般', '', '样本不足', '15.6', '', '0', '', '0', '52', '3', '', '0']);
    expect(a['计算时点']).toMatch(LOCAL_TIME);
    const xlsx = await svc.app.inject({ method: 'GET', url: '/api/v1/assessment/annual?year=2026&format=xlsx', headers: { authorization: `Bearer ${office}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('年度考核')!;
    expect(sheet.getRow(1).getCell(7).value).toBe('年度绩效贡献分');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['年度考核', '说明']);

    const own = await get('/api/v1/assessment/annual?year=2026', deptA);
    expect(own.json.rows).toEqual([rowOf(r.json, A.id)]);
    const next = (await get('/api/v1/assessment/annual?year=2027', office)).json;
    expect(next).toMatchObject({ policyVersion: 2, annualShare: '0.4', periods: [] }); // v2 from 2027-Q1: the year starts under it
    expect((await get('/api/v1/assessment/annual?year=26', office)).status).toBe(422);
    expect((await get('/api/v1/assessment/annual?year=2026', s1)).status).toBe(403);
  });

  describe('appeals (考核申诉, contract §11)', () => {
    const appeal = (token: string, body: Json) => svc.inject('POST', '/api/v1/assessment/appeals', { token, body });
    const decide = (id: string, body: Json, token = office) => svc.inject('POST', `/api/v1/assessment/appeals/${id}/decision`, { token, body });
    const ownRow = async (query = '') => (await get(`/api/v1/assessment/scorecards?period=2026-Q3${query}`, deptA)).json.rows[0] as Json;
    let satisfactionAppeal: string;
    let decidedAt: string;

    it('files an appeal on a satisfaction point, refusing what is not the department’s own lost point', async () => {
      const row = await ownRow();
      const feedback = (row.explanations as Json[]).find((e) => e.kind === 'FEEDBACK')!;
      expect(feedback.feedbackId).toBe(feedbackEvent.eventId);
      const before = Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);
      const body = { period: '2026-Q3', target: { feedbackId: feedback.feedbackId, kind: 'SATISFACTION' }, reason: '  居民误评，问题当日已解决  ', evidence: ['https://evidence.example.org/w1.jpg'] };
      expect((await appeal(deptA, { ...body, reason: '     ' })).json.errors.map((e: Json) => e.field)).toEqual(['reason']); // five spaces are empty
      expect((await appeal(deptA, { ...body, reason: ' 不服 ' })).status).toBe(422);
      expect((await appeal(deptA, { ...body, evidence: ['http://insecure.example.org/x.jpg'] })).json.errors[0].field).toMatch(/^evidence/);
      expect((await appeal(deptA, { ...body, target: { assignmentId: a[3], kind: 'SATISFACTION' } })).json.errors[0].field).toBe('target');
      expect((await appeal(deptA, { ...body, target: { assignmentId: a[1], kind: 'DEADLINE' } })).status).toBe(422); // on time: nothing lost
      expect((await appeal(deptB, body)).status).toBe(403); // A's point
      expect((await appeal(office, body)).status).toBe(403);
      expect(Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n)).toBe(before);

      const filed = await appeal(deptA, body);
      expect(filed.status).toBe(201);
      expect(filed.json).toMatchObject({ period: '2026-Q3', departmentId: A.id, status: 'PENDING', reason: '居民误评，问题当日已解决', target: body.target, decision: null });
      satisfactionAppeal = filed.json.id;
      expect((await appeal(deptA, body)).status).toBe(409); // one pending appeal per point
      expect((await get('/api/v1/assessment/appeals?period=2026-Q3&status=PENDING', office)).json.items.map((x: Json) => x.id)).toEqual([satisfactionAppeal]);
      expect((await get('/api/v1/assessment/appeals?period=2026-Q3', deptB)).json.items).toEqual([]);
      await eventually(async () => published.some((m) => m.value.type === 'AppealFiled'), 15000, 100);
    });

    it('an upheld appeal restores the point from the decision on: "restored on appeal <id>"; earlier asOf unchanged', async () => {
      const before = await ownRow();
      expect((await decide(satisfactionAppeal, { decision: 'UPHOLD', reason: '好' })).status).toBe(422);
      expect((await decide(satisfactionAppeal, { decision: 'UPHOLD', reason: '照片证明当日已解决' }, deptA)).status).toBe(403);
      const decided = await decide(satisfactionAppeal, { decision: 'UPHOLD', reason: '照片证明当日已解决' });
      expect(decided.status).toBe(200);
      expect(decided.json).toMatchObject({ status: 'UPHELD', decision: { decision: 'UPHOLD', reason: '照片证明当日已解决' }, amendedVersions: [] });
      decidedAt = decided.json.decision.decidedAt;
      expect((await decide(satisfactionAppeal, { decision: 'REJECT', reason: '再裁决一次试试' })).status).toBe(409);
      expect((await decide(randomUUID(), { decision: 'REJECT', reason: '没有这个申诉' })).status).toBe(404);
      const after = await ownRow();
      expect(after.satisfaction).toEqual({ score: null, responses: 0 });
      expect(after.total).toBe(65); // (0.5·50 + 0.3·90)/0.8
      const restored = (after.explanations as Json[]).find((e) => e.kind === 'FEEDBACK')!;
      expect(restored).toMatchObject({ pointsLost: 0, restoredOnAppeal: satisfactionAppeal });
      expect(restored.message).toContain(`restored on appeal ${satisfactionAppeal}`);
      const earlier = new Date(Date.parse(decidedAt) - 1).toISOString();
      expect((await ownRow(`&asOf=${encodeURIComponent(earlier)}`)).satisfaction).toEqual(before.satisfaction);
      expect(await ownRow(`&asOf=${encodeURIComponent(earlier)}`)).toEqual(await ownRow(`&asOf=${encodeURIComponent(earlier)}`));
      expect((await appeal(deptA, { period: '2026-Q3', target: { feedbackId: restored.feedbackId, kind: 'SATISFACTION' }, reason: '再申诉一次试试' })).status).toBe(409); // already restored
    });

    it('after the closing: an upheld appeal gives an amended, stored version; every version stays retrievable; the annual grade takes the latest', async () => {
      expect((await svc.inject('POST', '/api/v1/assessment/periods/2026-Q3/close', { token: office })).status).toBe(200);
      const filed = await appeal(deptA, { period: '2026-Q3', target: { assignmentId: a[3], kind: 'DEADLINE' }, reason: '派单时居民联系不上，已按约定时间处理', evidence: [] });
      expect(filed.status).toBe(201);
      const rating = ((await ownRow()).explanations as Json[]).find((e) => e.kind === 'DEDUCTION')!;
      const ratingAppeal = await appeal(deptA, { period: '2026-Q3', target: { ratingId: rating.ratingId, kind: 'RATING', deductionIndex: 0 }, reason: '当日暴雨封路，已提前报备', evidence: [] });
      expect(ratingAppeal.status).toBe(201);
      expect((await decide(ratingAppeal.json.id, { decision: 'REJECT', reason: '未见报备记录，驳回' })).json).toMatchObject({ status: 'REJECTED', amendedVersions: [] });

      const upheld = await decide(filed.json.id, { decision: 'UPHOLD', reason: '通话记录证明联系不上居民' });
      expect(upheld.json.amendedVersions).toEqual([{ period: '2026-Q3', version: 2 }, { period: '2026-07', version: 2 }]);
      const latest = (await get('/api/v1/assessment/scorecards?period=2026-Q3', office)).json;
      expect(latest).toMatchObject({ version: 2, amendedBy: filed.json.id, policyVersion: 1 });
      expect(rowOf(latest, A.id).completion).toMatchObject({ score: 83.33, onTime: 2, late: 1, missed: 0 });
      const v1 = (await get('/api/v1/assessment/scorecards?period=2026-Q3&version=1', office)).json;
      expect(v1).toMatchObject({ version: 1, amendedBy: null, asOf: latest.asOf, closedAt: latest.closedAt });
      expect(rowOf(v1, A.id).completion).toMatchObject({ score: 50, missed: 1 });
      expect(rowOf(v1, A.id).satisfaction).toEqual({ score: null, responses: 0 }); // upheld before the closing
      expect((await get('/api/v1/assessment/scorecards?period=2026-Q3&version=2', office)).json).toEqual(latest);
      expect((await get('/api/v1/assessment/scorecards?period=2026-Q3&version=3', office)).status).toBe(404);
      expect((await get(`/api/v1/assessment/scorecards?period=2026-Q3&version=1&asOf=${encodeURIComponent(latest.asOf)}`, office)).status).toBe(422);
      const own = (await get('/api/v1/assessment/scorecards?period=2026-Q3&version=1', deptA)).json;
      expect(own.rows).toEqual([rowOf(v1, A.id)]);
      expect((await get('/api/v1/assessment/scorecards/versions?period=2026-Q3', office)).json.items.map((v: Json) => [v.version, v.amendedBy])).toEqual([[1, null], [2, filed.json.id]]);
      const csv = await svc.app.inject({ method: 'GET', url: '/api/v1/assessment/scorecards?period=2026-Q3&format=csv&version=2', headers: { authorization: `Bearer ${office}` } });
      expect(csvAsOneTable(csv.rawPayload).rows.some((r) => r['申诉'] === '经申诉恢复')).toBe(true);

      const annual = (await get('/api/v1/assessment/annual?year=2026', office)).json;
      expect(annual.periods.find((p: Json) => p.period === '2026-Q3')).toMatchObject({ version: 2 });
      expect((rowOf(annual, A.id).periods as Json[]).find((p) => p.period === '2026-Q3')).toEqual({ period: '2026-Q3', total: rowOf(latest, A.id).total, counted: 3 });
    });

    it('refuses an appeal after the policy’s window (10 days after the closing) with 409', async () => {
      const { FileAppealHandler } = await import('@chuishao/assessment-feature');
      const handler = svc.app.get(FileAppealHandler);
      const [{ closed_at }] = await svc.dataSource.query(`SELECT closed_at FROM closed_periods WHERE period = '2026-Q3'`);
      const principal = { sub: 'duty', role: 'department' as const, org: A.id };
      const dto = { period: '2026-Q3', target: { ratingId: randomUUID(), kind: 'RATING' as const }, reason: '申诉期已经过了吗', evidence: [] };
      const late = new Date(new Date(closed_at).getTime() + 10 * 86_400_000 + 1);
      await expect(handler.handle(principal, dto, late)).rejects.toMatchObject({ status: 409 });
    });
  });
});

import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import { csvAsOneTable, eventually, LOCAL_TIME, startServiceForTest, UUID, whistleBlownData, type ServiceUnderTest } from '@chuishao/testing';
import {
  compareScorecards,
  compareTables,
  createShadowTables,
  currentScoringPolicy,
  periodsToCompare,
  replaceLive,
  replayLog,
  replayOwnEvents,
} from '@chuishao/assessment-feature';
import { assessmentService } from '../src/assessment.service';
import { envelope, type Json } from './envelopes';

const catalog = defaultCatalog();
const A = catalog.departmentByCode('FIRE_RESCUE')!;
const B = catalog.departmentByCode('PUBLIC_SECURITY')!;
const C = catalog.departmentByCode('MARKET_REGULATION')!;
const S1 = catalog.streets[0]; // 劝业场街道
const S2 = catalog.streets[1]; // 小白楼街道

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
const blown = (w: string, at: string, streetId: string, address: string) =>
  envelope('WhistleBlown', w, at, whistleBlownData({ whistleId: w, streetId, situationCode: 'FIRE_LANE_BLOCKED', area: 'JOINT_ENFORCEMENT', title: '占用消防通道', address }), 'intake');
const summoned = (w: string, at: string, assignments: Array<[string, string, 'LEAD' | 'ASSIST', string]>) =>
  envelope('DepartmentsSummoned', w, at, {
    level: 'YELLOW',
    summonedAt: at,
    assignments: assignments.map(([assignmentId, departmentId, role, completeBy]) => ({ assignmentId, departmentId, role, deadlines: deadlines(at, completeBy) })),
  });

describe('assessment: a scripted quarter through the HTTP API (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;
  let office: string;
  let s1: string;
  let s2: string;
  const w = Array.from({ length: 7 }, () => randomUUID());
  const a = Array.from({ length: 8 }, () => randomUUID());
  const events: Array<ReturnType<typeof envelope>> = [];

  // The quarter (UTC; Asia/Shanghai is +8), hand-computed in the comments of each `it`.
  events.push(
    blown(w[1], '2026-07-01T01:55:00.000Z', S1.id, '福缘里3号楼'),
    envelope('WhistleTriaged', w[1], '2026-07-01T01:56:00.000Z', { streetId: S1.id, situationCode: 'FIRE_LANE_BLOCKED', area: 'JOINT_ENFORCEMENT', level: 'YELLOW', policyVersion: 1, rules: [], sla: {}, requestedDepartments: [] }, 'triage'),
    summoned(w[1], '2026-07-01T02:00:00.000Z', [[a[1], A.id, 'LEAD', '2026-07-02T02:00:00.000Z'], [a[7], B.id, 'ASSIST', '2026-07-02T02:00:00.000Z']]),
    envelope('DepartmentReported', w[1], '2026-07-01T02:10:00.000Z', reply(a[1], A.id, '2026-07-01T02:10:00.000Z')),
    envelope('DepartmentArrived', w[1], '2026-07-01T02:30:00.000Z', reply(a[1], A.id, '2026-07-01T02:30:00.000Z')),
    envelope('DepartmentCompleted', w[1], '2026-07-01T10:00:00.000Z', reply(a[1], A.id, '2026-07-01T10:00:00.000Z', { result: '已清理通道' })),
    envelope('DepartmentCompleted', w[1], '2026-07-01T12:00:00.000Z', reply(a[7], B.id, '2026-07-01T12:00:00.000Z', { result: '已协助' })),
    envelope('WhistleConfirmed', w[1], '2026-07-02T00:00:00.000Z', {}, 'intake'),
    envelope('FeedbackGiven', w[1], '2026-07-03T00:00:00.000Z', { rating: 'SATISFIED', score: 100, comment: null }, 'intake'),
    blown(w[2], '2026-07-04T23:00:00.000Z', S1.id, '绵阳道市场'),
    summoned(w[2], '2026-07-05T00:00:00.000Z', [[a[2], A.id, 'LEAD', '2026-07-06T00:00:00.000Z']]),
    envelope('DeadlineMissed', w[2], '2026-07-06T00:00:01.000Z', { assignmentId: a[2], departmentId: A.id, kind: 'COMPLETE', dueAt: '2026-07-06T00:00:00.000Z' }),
    envelope('DepartmentCompleted', w[2], '2026-07-07T00:00:00.000Z', reply(a[2], A.id, '2026-07-07T00:00:00.000Z', { result: '已处理' })),
    envelope('FeedbackGiven', w[2], '2026-07-08T00:00:00.000Z', { rating: 'BASICALLY_SATISFIED', score: 80, comment: '慢了点' }, 'intake'),
    blown(w[3], '2026-07-09T23:00:00.000Z', S2.id, '绵阳道市场'),
    summoned(w[3], '2026-07-10T00:00:00.000Z', [[a[3], A.id, 'LEAD', '2026-07-11T00:00:00.000Z']]),
    summoned(w[4], '2026-09-30T16:30:00.000Z', [[a[4], A.id, 'LEAD', '2026-10-01T16:30:00.000Z']]),
    summoned(w[5], '2026-07-20T00:00:00.000Z', [[a[5], A.id, 'LEAD', '2026-07-21T00:00:00.000Z']]),
    envelope('WhistleWithdrawn', w[5], '2026-07-20T05:00:00.000Z', { reason: '居民已自行解决' }, 'intake'),
    summoned(w[6], '2026-08-01T00:00:00.000Z', [[a[6], A.id, 'LEAD', '2026-08-02T00:00:00.000Z']]),
    envelope('DisputeResolved', w[6], '2026-08-01T03:00:00.000Z', {
      assignmentId: a[6],
      departmentId: A.id,
      decision: 'UPHOLD',
      reason: '不属于消防职责',
      reassignedTo: { assignmentId: a[0], departmentId: B.id, role: 'LEAD', deadlines: deadlines('2026-08-01T03:00:00.000Z', '2026-08-02T03:00:00.000Z') },
    }),
    envelope('DepartmentCompleted', w[6], '2026-08-01T20:00:00.000Z', reply(a[0], B.id, '2026-08-01T20:00:00.000Z', { result: '已处理' })),
    envelope('FeedbackGiven', w[6], '2026-08-03T00:00:00.000Z', { rating: 'DISSATISFIED', score: 0, comment: '没解决' }, 'intake'),
  );

  const publish = async (list: Array<ReturnType<typeof envelope>>) =>
    svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      acks: -1,
      messages: list.map((e) => ({ key: e.whistleId, value: JSON.stringify(e) })),
    });
  const logged = async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM assessment_inbox_log`))[0].n);
  const scorecard = async (query: string) => {
    const r = await svc.inject('GET', `/api/v1/assessment/scorecards?${query}`, { token: office });
    if (r.status !== 200) throw new Error(`${r.status} ${r.body}`);
    return r;
  };
  const rate = (token: string, body: Json) => svc.inject('POST', '/api/v1/street-ratings', { token, body });
  const summary = (rows: Array<Json>) =>
    rows
      .filter((r) => r.total !== null)
      .map((r) => [r.departmentId, (r.completion as Json).score, (r.satisfaction as Json).score, (r.perception as Json).score, r.total, r.grade, r.rank]);

  beforeAll(async () => {
    svc = await startServiceForTest(assessmentService, { label: 'assessment_quarter' });
    office = await svc.token('assessment-office');
    s1 = await svc.token('street', S1.id);
    s2 = await svc.token('street', S2.id);
    await publish(events);
    await eventually(async () => (await logged()) === events.length, 30000, 100);
  });
  afterAll(() => svc.stop());

  it('takes street ratings with revisions, and refuses a deduction without a reason (422)', async () => {
    const r1 = await rate(s1, { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 10, reason: '响应不够及时' }], comment: '第一次评分' });
    expect(r1.status).toBe(201);
    expect(r1.json).toMatchObject({ revision: 1, score: 90, streetId: S1.id });
    const r2 = await rate(s1, { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 5, reason: '到场晚了半小时' }, { points: 3, reason: '现场沟通不充分' }] });
    expect(r2.json).toMatchObject({ revision: 2, score: 92 });
    expect((await rate(s2, { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 15, reason: '多次催办才到场' }] })).status).toBe(201);
    expect((await rate(s1, { period: '2026-Q3', departmentId: C.id, deductions: [] })).status).toBe(201);

    const before = Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);
    const noReason = await rate(s1, { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 5, reason: '很好' }, { points: 5 }] });
    expect(noReason.status).toBe(422);
    expect(noReason.headers['content-type']).toContain('application/problem+json');
    expect(noReason.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['deductions[0].reason', 'deductions[1].reason']);
    const spaces = await rate(s1, { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 5, reason: '     ' }, { points: 5, reason: '  很好 ' }, { points: 5, reason: '\u3000\u3000\u3000\u3000\u3000' }] });
    expect(spaces.status).toBe(422); // trimmed before the rule: five spaces are empty, '很好' is 2 characters
    expect(spaces.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['deductions[0].reason', 'deductions[1].reason', 'deductions[2].reason']);
    expect((await rate(s1, { period: '2026-Q3', departmentId: randomUUID(), deductions: [] })).status).toBe(422);
    expect((await rate(s1, { period: '2026-Q5', departmentId: A.id, deductions: [] })).json.errors[0].field).toBe('period');
    expect((await rate(s1, { period: '2026-Q3', departmentId: A.id, deductions: [{ points: 101, reason: '扣分太多了吧' }] })).status).toBe(422);
    expect((await rate(office, { period: '2026-Q3', departmentId: A.id, deductions: [] })).status).toBe(403);
    expect(Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n)).toBe(before);

    const mine = await svc.inject('GET', '/api/v1/street-ratings?period=2026-Q3', { token: s1 });
    expect(mine.json.items.map((i: Json) => [i.departmentId, i.revision, i.revisions, i.score]).sort()).toEqual([
      [A.id, 2, 2, 92],
      [C.id, 1, 1, 100],
    ].sort());
    const [{ n: outbox }] = await svc.dataSource.query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`rating-${S1.id}-${A.id}-2026-Q3`]);
    expect(Number(outbox)).toBe(2);
  });

  /*
   * As of now (the quarter is over):
   * A (消防): a1 on time, a2 late, a3 missed, a4 summoned 2026-10-01 00:30 local (Q4), a5 withdrawn,
   *   a6 dispute upheld → counted 3, excluded 2; completion 100·1.5/3 = 50.00; satisfaction
   *   (100 + 80)/2 = 90.00; perception (92 + 85)/2 = 88.50; total 25 + 18 + 26.55 = 69.55 一般.
   * B (公安): assist on w1 on time, a0 (reassigned LEAD of w6) on time → 100.00; w6 dissatisfied → 0.00;
   *   no rating → total (50 + 0)/0.7 = 71.43 一般.
   * C (市场监管): only S1's rating of 100 → 100.00 优秀.
   */
  const expected = [
    // every department has fewer than the default minimumSample (5) counted assignments: numbers, no rank
    [C.id, null, null, 100, 100, 'EXCELLENT', null],
    [B.id, 100, 0, null, 71.43, 'AVERAGE', null],
    [A.id, 50, 90, 88.5, 69.55, 'AVERAGE', null],
  ];

  it('computes the quarter’s scorecard with every lost point explained', async () => {
    const r = await scorecard('period=2026-Q3');
    expect(r.json).toMatchObject({ period: '2026-Q3', policyVersion: 1, timeZone: 'Asia/Shanghai', closedAt: null });
    expect(r.json.rows).toHaveLength(catalog.departments.length);
    expect(summary(r.json.rows)).toEqual(expected);
    const rowA = r.json.rows.find((x: Json) => x.departmentId === A.id);
    expect(rowA.completion).toEqual({ score: 50, counted: 3, onTime: 1, late: 1, missed: 1, excluded: 2 });
    expect(rowA.explanations.map((e: Json) => [e.kind, e.whistleId ?? e.streetName, e.pointsLost])).toEqual([
      ['LATE', w[2], 50],
      ['MISSED', w[3], 100],
      ['CLOSED', w[5], 0], // withdrawn while open and not yet due: closed with the whistle, excluded
      ['FEEDBACK', w[2], 20],
      ['DEDUCTION', '劝业场街道', 5],
      ['DEDUCTION', '劝业场街道', 3],
      ['DEDUCTION', '小白楼街道', 15],
    ]);
    expect(rowA.explanations[0]).toMatchObject({ deadline: '2026-07-06T00:00:00.000Z', completedAt: '2026-07-07T00:00:00.000Z', assignmentId: a[2] });
    expect(rowA.explanations[2].message).toContain('随哨件关闭');
    expect(r.json.rows.filter((x: Json) => x.total === null).every((x: Json) => x.rank === null && x.grade === null)).toBe(true);
    expect(r.json.rows.every((x: Json) => x.insufficientSample === true)).toBe(true);
    const again = await scorecard(`period=2026-Q3&asOf=${encodeURIComponent(r.json.asOf)}`);
    expect(again.json).toEqual(r.json);
  });

  it('explains one department only on request (departmentId=), scoring and ranking all as before', async () => {
    const full = await scorecard('period=2026-Q3');
    const onlyB = await scorecard(`period=2026-Q3&departmentId=${B.id}`);
    expect(onlyB.json.explainedDepartment).toBe(B.id);
    expect(summary(onlyB.json.rows)).toEqual(expected);
    const kinds = (rows: Json[], id: string) => (rows.find((x) => x.departmentId === id)?.explanations as Json[]).map((e) => e.kind);
    expect(kinds(onlyB.json.rows, A.id)).toEqual(['DEDUCTION', 'DEDUCTION', 'DEDUCTION']); // the streets' written deductions stay
    expect(onlyB.json.rows.find((x: Json) => x.departmentId === B.id).explanations).toEqual(full.json.rows.find((x: Json) => x.departmentId === B.id).explanations);
    const onlyA = await scorecard(`period=2026-Q3&departmentId=${A.id}`);
    expect(kinds(onlyA.json.rows, A.id)).toEqual(['LATE', 'MISSED', 'CLOSED', 'FEEDBACK', 'DEDUCTION', 'DEDUCTION', 'DEDUCTION']);
    expect((await svc.inject('GET', '/api/v1/assessment/scorecards?period=2026-Q3&departmentId=not-a-uuid', { token: office })).status).toBe(422);
    expect((await svc.inject('GET', `/api/v1/assessment/scorecards?period=2026-Q3&departmentId=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { token: office })).status).toBe(422);
  });

  it('reproduces an earlier moment with asOf', async () => {
    // 2026-07-10 20:00 local: a1 on time, a2 late, a3 not yet due → A completion 75.00, satisfaction 90.00,
    // no ratings yet → (37.5 + 18)/0.7 = 79.29 良好; B's assist on time, no feedback yet → 100.00 优秀.
    const r = await scorecard(`period=2026-Q3&asOf=${encodeURIComponent('2026-07-10T20:00:00+08:00')}`);
    expect(r.json.asOf).toBe('2026-07-10T12:00:00.000Z');
    expect(summary(r.json.rows)).toEqual([
      [B.id, 100, null, null, 100, 'EXCELLENT', null],
      [A.id, 75, 90, null, 79.29, 'GOOD', null],
    ]);
    expect(r.json.rows.find((x: Json) => x.departmentId === A.id).completion).toEqual({ score: 75, counted: 2, onTime: 1, late: 1, missed: 0, excluded: 1 });
  });

  it('exports CSV as ONE table a person reads in Excel (BOM, CRLF, names, local times) and XLSX (one table per sheet)', async () => {
    const csv = await svc.app.inject({ method: 'GET', url: '/api/v1/assessment/scorecards?period=2026-Q3&format=csv', headers: { authorization: `Bearer ${office}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('filename="chuishao-scorecard-2026-Q3.csv"');
    expect(csv.headers['content-disposition']).toContain("filename*=UTF-8''");
    const { header, rows } = csvAsOneTable(csv.rawPayload);
    expect(header.slice(0, 4)).toEqual(['考核期', '计算时点', '评分办法版本', '部门']);
    expect(header).toContain('办结时限');
    for (const r of rows) {
      expect(r['考核期']).toBe('2026-Q3');
      expect(r['计算时点']).toMatch(LOCAL_TIME);
      for (const k of ['办结时限', '办结时间']) if (r[k] && !/^(随哨件关闭|未办结)$/.test(r[k])) expect(r[k]).toMatch(LOCAL_TIME);
    }
    expect(csv.rawPayload.toString('utf8')).not.toMatch(UUID);
    expect(csv.rawPayload.toString('utf8')).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/); // no ISO/UTC instants
    const ofA = rows.filter((r) => r['部门'] === A.name);
    expect(ofA.length).toBeGreaterThan(1); // one row per lost point
    expect(ofA[0]).toMatchObject({ 完成度得分: '50', 计入件数: '3', 总分: '69.55', 等级: '一般', 样本不足: '样本不足' });
    expect(rows.find((r) => r['部门'] === C.name)).toMatchObject({ 感知度得分: '100', 总分: '100', 考核项: '' }); // no lost point: one row
    expect(rows.some((r) => r['类别'] === '随哨件关闭')).toBe(true);
    const deduction = rows.find((r) => r['评价/扣分理由'].includes('多次催办才到场'))!;
    expect(deduction['街道']).not.toBe('');
    const late = rows.find((r) => r['类别'] === '逾期办结' || r['类别'] === '超期未办')!;
    expect(late['哨件（呼叫情形）']).not.toBe('');
    expect(late['街道']).not.toBe('');

    const xlsx = await svc.app.inject({ method: 'GET', url: '/api/v1/assessment/scorecards?period=2026-Q3&format=xlsx', headers: { authorization: `Bearer ${office}` } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain('chuishao-scorecard-2026-Q3.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['考核得分', '扣分说明', '说明']);
    expect(wb.getWorksheet('考核得分')!.getRow(1).getCell(1).value).toBe('部门');
    const rowA = wb.getWorksheet('考核得分')!.getRow(4);
    expect([...Array(14).keys()].map((i) => rowA.getCell(i + 1).value)).toEqual([A.name, 50, 3, 1, 1, 1, 2, 90, 2, 88.5, 2, 69.55, '一般', null]);
    expect(rowA.getCell(15).value).toBe('样本不足');
    expect(wb.getWorksheet('考核得分')!.rowCount).toBe(1 + rows.filter((r, i) => rows.findIndex((x) => x['部门'] === r['部门']) === i).length);
    expect(wb.getWorksheet('扣分说明')!.rowCount).toBe(1 + rows.filter((r) => r['考核项'] !== '').length);
  });

  it('serves the policy and refuses other roles', async () => {
    const p = await svc.inject('GET', '/api/v1/assessment/policy', { token: await svc.token('command-center') });
    expect(p.json).toMatchObject({ version: 1, weights: { completion: '0.5', satisfaction: '0.2', perception: '0.3' }, feedbackScores: { SATISFIED: 100, BASICALLY_SATISFIED: 80, DISSATISFIED: 0 } });
    expect((await svc.inject('GET', '/api/v1/assessment/scorecards?period=2026-Q3', { token: s1 })).status).toBe(403);
    expect((await svc.inject('GET', '/api/v1/assessment/scorecards?period=2026-Q9', { token: office })).status).toBe(422);
    expect((await svc.inject('GET', '/api/v1/assessment/scorecards?period=2026-Q3&asOf=yesterday', { token: office })).status).toBe(422);
  });

  it('summarises for analysis, a street seeing only its own', async () => {
    const q = `from=${encodeURIComponent('2026-07-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-10-01T00:00:00+08:00')}`;
    const all = await svc.inject('GET', `/api/v1/analytics/summary?${q}`, { token: await svc.token('command-center') });
    expect(all.status).toBe(200);
    expect(all.json.total).toBe(3);
    expect(all.json.perStreet).toEqual([
      { streetId: S1.id, name: S1.name, count: 2 },
      { streetId: S2.id, name: S2.name, count: 1 },
    ]);
    expect(all.json.recurringLocations).toEqual([{ address: '绵阳道市场', count: 2 }]);
    expect(all.json.byLevel).toEqual([{ level: 'YELLOW', count: 1 }]);
    expect(all.json.byStatus.sort((x: Json, y: Json) => String(x.status).localeCompare(String(y.status)))).toEqual([
      { status: 'COMPLETED', count: 1 },
      { status: 'DISPATCHED', count: 1 },
      { status: 'RESOLVED', count: 1 },
    ]);
    expect(all.json.weeklyTrend).toEqual([
      { week: '2026-W27', count: 2 },
      { week: '2026-W28', count: 1 },
    ]);
    const fire = all.json.departments.find((d: Json) => d.departmentId === A.id);
    expect(fire).toMatchObject({ assignments: 3, overdue: 1, report: { n: 1, p50: 600, p90: 600 }, arrive: { n: 1, p50: 1800 } });
    expect(fire.complete).toEqual({ n: 2, p50: 86400 + 14400, p90: expect.any(Number) }); // 8 h and 48 h → p50 28 h
    const own = await svc.inject('GET', `/api/v1/analytics/summary?${q}&streetId=${S1.id}`, { token: s2 });
    expect(own.json).toMatchObject({ streetId: S2.id, total: 1 });
  });

  it('closes the quarter: ratings refused (409), the scorecard frozen even when late facts arrive', async () => {
    const before = await scorecard('period=2026-Q3');
    expect((await svc.inject('POST', '/api/v1/assessment/periods/2026-Q4/close', { token: office })).status).toBe(409); // not over
    const closed = await svc.inject('POST', '/api/v1/assessment/periods/2026-Q3/close', { token: office });
    expect(closed.status).toBe(200);
    expect(closed.json.period).toBe('2026-Q3');
    expect((await svc.inject('POST', '/api/v1/assessment/periods/2026-Q3/close', { token: office })).status).toBe(409);
    expect((await svc.inject('POST', '/api/v1/assessment/periods/2026-Q3/close', { token: s1 })).status).toBe(403);

    const late = await rate(s2, { period: '2026-Q3', departmentId: C.id, deductions: [{ points: 50, reason: '关闭后才想起来扣分' }] });
    expect(late.status).toBe(409);
    expect((await rate(s2, { period: '2026-09', departmentId: C.id, deductions: [] })).status).toBe(409);
    expect((await rate(s2, { period: '2026-Q4', departmentId: C.id, deductions: [] })).status).toBe(201);

    // a3 is completed after the closing: the frozen quarter still counts it missed; the open year sees it
    // late (and a4, summoned in October, missed)
    const completedNow = new Date(Date.now() + 1000).toISOString();
    const extra = envelope('DepartmentCompleted', w[3], completedNow, reply(a[3], A.id, completedNow, { result: '补办' }));
    events.push(extra);
    await publish([extra]);
    await eventually(async () => (await logged()) === events.length, 30000, 100);
    await new Promise((r) => setTimeout(r, 1100));
    const frozen = await scorecard('period=2026-Q3');
    expect(frozen.json.closedAt).toBe(closed.json.closedAt);
    expect(frozen.json.asOf).toBe(closed.json.closedAt);
    expect(summary(frozen.json.rows)).toEqual(summary(before.json.rows));
    const year = await scorecard('period=2026');
    expect(year.json.rows.find((x: Json) => x.departmentId === A.id).completion).toMatchObject({ onTime: 1, late: 2, missed: 1 });
  });

  it('rebuilds the projections from the log and proves them equal, then replaces the live ones', async () => {
    const qr = svc.dataSource.createQueryRunner();
    await qr.connect();
    try {
      const opts = { liveSchema: 'assessment', shadowSchema: 'assessment_rebuild', tz: 'Asia/Shanghai', batchSize: 7, flushEvery: 10, maxCachedWhistles: 2, order: 'whistle' as const };
      const progress: number[] = [];
      await createShadowTables(qr, 'assessment', 'assessment_rebuild');
      const run = await replayLog(qr, { ...opts, onProgress: (p) => progress.push(p.percent) });
      expect(run.events).toBe(events.length);
      expect(progress.at(-1)).toBe(100);
      expect(await replayOwnEvents(qr, 'assessment', 'assessment_rebuild')).toBe(5 + 1); // five ratings, one closing
      const tables = await compareTables(qr, 'assessment', 'assessment_rebuild');
      expect(tables.filter((t) => t.onlyLive || t.onlyRebuilt)).toEqual([]);
      const periods = await periodsToCompare(qr, 'assessment');
      expect(periods).toEqual(expect.arrayContaining(['2026', '2026-07', '2026-Q3', '2026-Q4', '2026-10']));
      const policy = await currentScoringPolicy(qr);
      const asOf = new Date();
      const cards = await compareScorecards(qr, 'assessment', 'assessment_rebuild', periods, asOf, policy, 'Asia/Shanghai');
      expect(cards.filter((c) => !c.equal)).toEqual([]);
      // the same in log order (states cached across batches and forgotten between flushes)
      await createShadowTables(qr, 'assessment', 'assessment_rebuild');
      expect((await replayLog(qr, { ...opts, order: 'log' })).events).toBe(events.length);
      await replayOwnEvents(qr, 'assessment', 'assessment_rebuild');
      expect((await compareTables(qr, 'assessment', 'assessment_rebuild')).filter((t) => t.onlyLive || t.onlyRebuilt)).toEqual([]);

      const before = await scorecard('period=2026-Q3');
      const past = await scorecard(`period=2026-Q3&asOf=${encodeURIComponent('2026-07-10T20:00:00+08:00')}`);
      await qr.query(`DELETE FROM score_deltas_daily; DELETE FROM lost_point_marks`); // the live projection is damaged…
      expect(summary((await scorecard('period=2026-Q3')).json.rows)).not.toEqual(expected);
      const generation = async () => Number((await qr.query(`SELECT generation FROM projection_generation`))[0].generation);
      const generationBefore = await generation();
      await replaceLive(qr, opts, run.lastSeq); // …and replaced by the rebuilt one
      expect(await generation()).toBe(generationBefore + 1); // every cached scorecard is stale (ADR 0008)
      expect((await scorecard('period=2026-Q3')).json).toEqual(before.json);
      expect(summary(before.json.rows)).toEqual(expected);
      expect((await scorecard(`period=2026-Q3&asOf=${encodeURIComponent('2026-07-10T20:00:00+08:00')}`)).json).toEqual(past.json);
    } finally {
      await qr.release();
    }
  });
});

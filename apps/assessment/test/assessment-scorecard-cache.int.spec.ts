import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { buildScorecard, currentScoringPolicy, projectOwnEvents, ScorecardRenderer } from '@chuishao/assessment-feature';
import { assessmentService } from '../src/assessment.service';
import { envelope, type Json } from './envelopes';

/*
 * The rendition cache of settled scorecards (ADR 0008) through HTTP, on real PostgreSQL and Kafka:
 * every cached answer is compared byte for byte with a fresh computation (buildScorecard +
 * JSON.stringify, what the service answered before the cache) at that moment.
 */

const catalog = defaultCatalog();
const A = catalog.departmentByCode('FIRE_RESCUE')!;
const B = catalog.departmentByCode('PUBLIC_SECURITY')!;
const S1 = catalog.streets[0];

const summoned = (w: string, at: string, assignmentId: string, departmentId: string, completeBy: string) =>
  envelope('DepartmentsSummoned', w, at, {
    level: 'YELLOW',
    summonedAt: at,
    assignments: [
      {
        assignmentId,
        departmentId,
        role: 'LEAD',
        deadlines: { reportBy: new Date(Date.parse(at) + 3600_000).toISOString(), arriveBy: new Date(Date.parse(at) + 7200_000).toISOString(), completeBy },
      },
    ],
  });
const completed = (w: string, at: string, assignmentId: string, departmentId: string) =>
  envelope('DepartmentCompleted', w, at, { assignmentId, departmentId, replyId: randomUUID(), at, receivedAt: at, by: null, note: null, channel: 'kafka', result: '已处理' });
const feedback = (w: string, at: string, rating: 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED') =>
  envelope('FeedbackGiven', w, at, { rating, score: rating === 'SATISFIED' ? 100 : rating === 'DISSATISFIED' ? 0 : 80, comment: null }, 'intake');

const PAST = '2025-08-15T00:00:00.000Z'; // an explicit asOf in the past, inside the open quarter 2025-Q3

describe('assessment: scorecards served from the rendition cache when settled (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;
  let office: string;
  let renderer: ScorecardRenderer;
  let published = 0;
  const w = Array.from({ length: 6 }, () => randomUUID());
  const a = Array.from({ length: 6 }, () => randomUUID());

  const logged = async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM assessment_inbox_log`))[0].n);
  /** Publishes on the whistle topic and waits until the projection has committed them. */
  const project = async (list: Array<ReturnType<typeof envelope>>) => {
    await svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      acks: -1,
      messages: list.map((e) => ({ key: e.whistleId, value: JSON.stringify(e) })),
    });
    published += list.length;
    await eventually(async () => (await logged()) === published, 30000, 50);
  };
  const get = async (query: string, headers: Record<string, string> = {}) => {
    const r = await svc.app.inject({ method: 'GET', url: `/api/v1/assessment/scorecards?${query}`, headers: { authorization: `Bearer ${office}`, ...headers } });
    if (r.statusCode !== 200 && r.statusCode !== 304) throw new Error(`${r.statusCode} ${r.body}`);
    return r;
  };
  /** What the service computes without any cache, now: the bytes a fresh answer has. */
  const fresh = async (period: string, asOf?: string) => {
    const policy = await currentScoringPolicy(svc.dataSource);
    return Buffer.from(JSON.stringify(await buildScorecard(svc.dataSource, period, asOf ? new Date(asOf) : undefined, { policy, tz: 'Asia/Shanghai' })), 'utf8');
  };
  const rowOf = (payload: Buffer, id: string) => (JSON.parse(payload.toString('utf8')).rows as Json[]).find((r) => r.departmentId === id) as Json;

  beforeAll(async () => {
    svc = await startServiceForTest(assessmentService, { label: 'assessment_cache' });
    office = await svc.token('assessment-office');
    renderer = svc.app.get(ScorecardRenderer);
    // 2025-Q3: a1 completed late with a dissatisfied feedback, a2 missed (A); a3 on time (B)
    await project([
      summoned(w[1], '2025-07-01T02:00:00.000Z', a[1], A.id, '2025-07-02T02:00:00.000Z'),
      completed(w[1], '2025-07-03T00:00:00.000Z', a[1], A.id),
      feedback(w[1], '2025-07-05T00:00:00.000Z', 'DISSATISFIED'),
      summoned(w[2], '2025-07-05T00:00:00.000Z', a[2], A.id, '2025-07-06T00:00:00.000Z'),
      summoned(w[3], '2025-07-10T00:00:00.000Z', a[3], B.id, '2025-07-11T00:00:00.000Z'),
      completed(w[3], '2025-07-10T12:00:00.000Z', a[3], B.id),
    ]);
  });
  afterAll(() => svc.stop());

  it('never caches asOf = now of an open period (nor a future asOf)', async () => {
    const before = renderer.stats().entries;
    for (const query of ['period=2025-Q3', 'period=2025-Q3', `period=2025&asOf=${encodeURIComponent('2999-01-01T00:00:00Z')}`]) {
      const r = await get(query, { 'accept-encoding': 'gzip' });
      expect(r.headers['x-chuishao-cache']).toBe('bypass');
      expect(r.headers.etag).toBeUndefined();
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(renderer.stats().entries).toBe(before);
  });

  it('serves an explicit past asOf from the cache the second time, byte-identical to a fresh computation', async () => {
    const q = `period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
    const first = await get(q);
    const second = await get(q);
    expect(first.headers['x-chuishao-cache']).toBe('miss');
    expect(second.headers['x-chuishao-cache']).toBe('hit');
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(second.rawPayload.equals(await fresh('2025-Q3', PAST))).toBe(true);
    expect(second.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers.vary).toBe('Accept-Encoding');
    expect(rowOf(second.rawPayload, A.id).completion).toMatchObject({ late: 1, missed: 1, score: 25 });
    // other representations are other entries: CSV and the numbers only
    const csv1 = await get(`${q}&format=csv`);
    const csv2 = await get(`${q}&format=csv`);
    expect([csv1.headers['x-chuishao-cache'], csv2.headers['x-chuishao-cache']]).toEqual(['miss', 'hit']);
    expect(csv2.rawPayload.equals(csv1.rawPayload)).toBe(true);
    expect(csv2.headers['content-disposition']).toContain('chuishao-scorecard-2025-Q3.csv');
    const numbers = await get(`${q}&explain=false`);
    expect(numbers.headers['x-chuishao-cache']).toBe('miss');
    expect(JSON.parse(numbers.body).explained).toBe(false);
  });

  it('answers 304 to a matching If-None-Match, 200 otherwise', async () => {
    const q = `period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
    const r = await get(q);
    const etag = String(r.headers.etag);
    const notModified = await get(q, { 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.rawPayload.length).toBe(0);
    expect(notModified.headers.etag).toBe(etag);
    const weak = await get(q, { 'if-none-match': `"other", W/${etag}` });
    expect(weak.statusCode).toBe(304);
    const other = await get(q, { 'if-none-match': '"something-else"' });
    expect(other.statusCode).toBe(200);
    expect(other.rawPayload.equals(r.rawPayload)).toBe(true);
  });

  it('serves a gzip computed once, which decompresses to the same bytes', async () => {
    const q = `period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
    const identity = await get(q);
    // the first request accepting gzip starts the compression in the background
    const gz = await eventually(async () => {
      const r = await get(q, { 'accept-encoding': 'gzip, deflate, br' });
      return r.headers['content-encoding'] === 'gzip' ? r : undefined;
    }, 10000, 20);
    expect(gz.headers['x-chuishao-cache']).toBe('hit');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.rawPayload).equals(identity.rawPayload)).toBe(true);
    expect(gz.headers.etag).not.toBe(identity.headers.etag);
    expect((await get(q, { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) })).statusCode).toBe(304);
    // without Accept-Encoding: the identity body
    expect((await get(q)).headers['content-encoding']).toBeUndefined();
  });

  it('a fact dated after asOf leaves the cached answer valid; a late fact dated before asOf invalidates it and the answer changes', async () => {
    const q = `period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
    const cached = await get(q);
    expect(['hit', 'miss']).toContain(cached.headers['x-chuishao-cache']);
    // feedback on w3 in September: after asOf's day, no effect on the answer as of PAST
    await project([feedback(w[3], '2025-09-20T00:00:00.000Z', 'BASICALLY_SATISFIED')]);
    const still = await get(q);
    expect(still.headers['x-chuishao-cache']).toBe('hit');
    expect(still.rawPayload.equals(await fresh('2025-Q3', PAST))).toBe(true);
    // a2 (missed at PAST) turns out to have been completed on time, on 2025-07-05 at noon: a day
    // whose roll-up row for A exists already (a2's summons, w1's feedback), so only its version moves
    const dailyRows = async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM score_deltas_daily`))[0].n);
    const rowsBefore = await dailyRows();
    await project([completed(w[2], '2025-07-05T12:00:00.000Z', a[2], A.id)]);
    expect(await dailyRows()).toBe(rowsBefore);
    const after = await get(q);
    expect(after.headers['x-chuishao-cache']).toBe('miss');
    expect(after.rawPayload.equals(cached.rawPayload)).toBe(false);
    expect(after.rawPayload.equals(await fresh('2025-Q3', PAST))).toBe(true);
    expect(rowOf(after.rawPayload, A.id).completion).toMatchObject({ onTime: 1, late: 1, missed: 0, score: 75 });
    expect(after.headers.etag).not.toBe(cached.headers.etag);
    expect((await get(q, { 'if-none-match': String(cached.headers.etag) })).statusCode).toBe(200);
    expect((await get(q)).headers['x-chuishao-cache']).toBe('hit');
  });

  it('a street rating given now does not change a past answer (still a hit); one dated before asOf does', async () => {
    const q = `period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
    const cached = await get(q);
    const street = await svc.token('street', S1.id);
    const rated = await svc.inject('POST', '/api/v1/street-ratings', { token: street, body: { period: '2025-Q3', departmentId: B.id, deductions: [{ points: 10, reason: '到场不够及时' }] } });
    expect(rated.status).toBe(201);
    const now = await get(q);
    expect(now.headers['x-chuishao-cache']).toBe('hit');
    expect(now.rawPayload.equals(await fresh('2025-Q3', PAST))).toBe(true);
    // the open quarter as of now does see it (never cached)
    const current = await get('period=2025-Q3');
    expect(rowOf(current.rawPayload, B.id).perception).toEqual({ score: 90, ratings: 1 });
    // a rating projected with a time before asOf (as a replay of the event store writes it)
    await projectOwnEvents(svc.dataSource, [
      {
        eventId: randomUUID(),
        type: 'StreetRated',
        occurredAt: new Date('2025-08-01T00:00:00.000Z'),
        data: { streetId: S1.id, departmentId: A.id, period: '2025-Q3', deductions: [{ points: 20, reason: '多次催办才到场' }], score: 80, comment: null, revision: 1 },
      },
    ]);
    const after = await get(q);
    expect(after.headers['x-chuishao-cache']).toBe('miss');
    expect(after.rawPayload.equals(cached.rawPayload)).toBe(false);
    expect(after.rawPayload.equals(await fresh('2025-Q3', PAST))).toBe(true);
    expect(rowOf(after.rawPayload, A.id).perception).toEqual({ score: 80, ratings: 1 });
  });

  it('a rebuild replacing the projection (projection_generation) invalidates every cached answer', async () => {
    const q = `period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
    const cached = await get(q);
    await svc.dataSource.query(`UPDATE projection_generation SET generation = generation + 1`);
    const after = await get(q);
    expect(after.headers['x-chuishao-cache']).toBe('miss');
    expect(after.rawPayload.equals(cached.rawPayload)).toBe(true); // same facts, same bytes
  });

  it('closing warms the frozen scorecard in the background; a late fact before closedAt invalidates it', async () => {
    const entries = renderer.stats().entries;
    const closed = await svc.inject('POST', '/api/v1/assessment/periods/2025-Q3/close', { token: office });
    expect(closed.status).toBe(200);
    await eventually(async () => renderer.stats().entries > entries, 10000, 20);
    const warmed = await get('period=2025-Q3');
    expect(warmed.headers['x-chuishao-cache']).toBe('hit');
    expect(JSON.parse(warmed.body)).toMatchObject({ closedAt: closed.json.closedAt, asOf: closed.json.closedAt });
    expect(warmed.rawPayload.equals(await fresh('2025-Q3'))).toBe(true);
    // the warm-up computed the gzip as well
    const gz = await eventually(async () => {
      const r = await get('period=2025-Q3', { 'accept-encoding': 'gzip' });
      return r.headers['content-encoding'] === 'gzip' ? r : undefined;
    }, 10000, 20);
    expect(gunzipSync(gz.rawPayload).equals(warmed.rawPayload)).toBe(true);

    // a whistle of September, summoned and overdue before the closing, reaches the projection only now
    await project([summoned(w[4], '2025-09-01T00:00:00.000Z', a[4], B.id, '2025-09-02T00:00:00.000Z')]);
    const after = await get('period=2025-Q3');
    expect(after.headers['x-chuishao-cache']).toBe('miss');
    expect(after.rawPayload.equals(await fresh('2025-Q3'))).toBe(true);
    expect(rowOf(after.rawPayload, B.id).completion).toMatchObject({ onTime: 1, missed: 1 });
    expect(rowOf(warmed.rawPayload, B.id).completion).toMatchObject({ onTime: 1, missed: 0 });
    // and its completion now, after the closing, leaves the frozen answer as it is
    const nowIso = new Date().toISOString();
    await project([completed(w[4], nowIso, a[4], B.id)]);
    const frozen = await get('period=2025-Q3');
    expect(frozen.rawPayload.equals(after.rawPayload)).toBe(true);
    expect(frozen.rawPayload.equals(await fresh('2025-Q3'))).toBe(true);
  });

  it('a restarted service renders the recently closed periods again in the background', async () => {
    let again: ServiceUnderTest | undefined;
    try {
      again = await startServiceForTest(assessmentService, { label: 'assessment_cache_boot', shared: { db: svc.db, prefix: svc.config.CHUISHAO_TOPIC_PREFIX }, consume: false });
      const renderer = again.app.get(ScorecardRenderer);
      await eventually(async () => renderer.stats().entries > 0, 15000, 20);
      const r = await again.app.inject({ method: 'GET', url: '/api/v1/assessment/scorecards?period=2025-Q3', headers: { authorization: `Bearer ${office}` } });
      expect(r.headers['x-chuishao-cache']).toBe('hit');
      expect(r.rawPayload.equals(await fresh('2025-Q3'))).toBe(true);
    } finally {
      await again?.stop();
    }
  });

  it('counts hits and misses in Prometheus', async () => {
    const metrics = await svc.app.inject({ method: 'GET', url: '/metrics' });
    const value = (result: string) =>
      metrics.body
        .split('\n')
        .filter((l) => l.startsWith('chuishao_assessment_scorecard_cache_requests_total') && l.includes(`result="${result}"`))
        .reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
    expect(value('hit')).toBeGreaterThan(0);
    expect(value('miss')).toBeGreaterThan(0);
    expect(value('bypass')).toBeGreaterThan(0);
    expect(metrics.body).toContain('chuishao_assessment_scorecard_seconds_bucket');
  });

  it('ASSESSMENT_SCORECARD_CACHE_MB=0 turns the cache off (ETag and 304 still work)', async () => {
    const saved = process.env.ASSESSMENT_SCORECARD_CACHE_MB;
    process.env.ASSESSMENT_SCORECARD_CACHE_MB = '0';
    let off: ServiceUnderTest | undefined;
    try {
      off = await startServiceForTest(assessmentService, { label: 'assessment_cache_off', shared: { db: svc.db, prefix: svc.config.CHUISHAO_TOPIC_PREFIX }, consume: false });
      const q = `/api/v1/assessment/scorecards?period=2025-Q3&asOf=${encodeURIComponent(PAST)}`;
      const one = await off.app.inject({ method: 'GET', url: q, headers: { authorization: `Bearer ${office}`, 'accept-encoding': 'gzip' } });
      const two = await off.app.inject({ method: 'GET', url: q, headers: { authorization: `Bearer ${office}`, 'accept-encoding': 'gzip' } });
      expect([one.headers['x-chuishao-cache'], two.headers['x-chuishao-cache']]).toEqual(['bypass', 'bypass']);
      expect(two.headers['content-encoding']).toBeUndefined();
      expect(two.rawPayload.equals(one.rawPayload)).toBe(true);
      expect(two.rawPayload.equals(await fresh('2025-Q3', PAST))).toBe(true);
      expect(off.app.get(ScorecardRenderer).stats()).toMatchObject({ entries: 0, capacity: 0 });
      const notModified = await off.app.inject({ method: 'GET', url: q, headers: { authorization: `Bearer ${office}`, 'if-none-match': String(one.headers.etag) } });
      expect(notModified.statusCode).toBe(304);
    } finally {
      if (saved === undefined) delete process.env.ASSESSMENT_SCORECARD_CACHE_MB;
      else process.env.ASSESSMENT_SCORECARD_CACHE_MB = saved;
      await off?.stop();
    }
  });
});

import type { AssessmentFact, RatingFact, WhistleFact } from './facts';
import { parsePeriod } from './period';
import { applyFact, emptyWhistle, keyOf } from './projector';
import type { CountDelta, LostMark, WhistleState } from './projector-model';
import { computeScorecard, gradeOf, scoreTallies, totalOf } from './scorecard';
import { emptyTally, type DepartmentTally } from './scorecard-model';
import { SCORING_POLICY_V1, type ScoringPolicy } from './scoring-policy';

/** v1 with every department ranked (the hand-computed quarter predates minimumSample; its own tests are below). */
const P: ScoringPolicy = { ...SCORING_POLICY_V1, minimumSample: 0 };

const departments = [
  { id: 'A', name: '甲局' },
  { id: 'B', name: '乙局' },
  { id: 'C', name: '丙局' },
  { id: 'D', name: '丁局' },
];
const streets = [
  { id: 'S1', name: '劝业场街道' },
  { id: 'S2', name: '小白楼街道' },
];
const catalog = { departments, streets };
const Q3 = parsePeriod('2026-Q3')!;

const summon = (whistleId: string, at: string, assignments: Array<[string, string, 'LEAD' | 'ASSIST', string]>): WhistleFact => ({
  kind: 'summoned',
  at,
  whistleId,
  summonedAt: at,
  assignments: assignments.map(([assignmentId, departmentId, role, completeBy]) => ({ assignmentId, departmentId, role, completeBy })),
});
const complete = (whistleId: string, assignmentId: string, at: string): WhistleFact => ({ kind: 'completed', at, whistleId, assignmentId, completedAt: at });
const rate = (streetId: string, departmentId: string, at: string, revision: number, deductions: Array<[number, string]>, period = '2026-Q3'): RatingFact => ({
  kind: 'rated',
  at,
  streetId,
  departmentId,
  period,
  revision,
  score: Math.max(0, 100 - deductions.reduce((s, [p]) => s + p, 0)),
  deductions: deductions.map(([points, reason]) => ({ points, reason })),
});

/**
 * The hand-computed quarter (times UTC; Asia/Shanghai is +8):
 * A: a1 on time, a2 late, a3 missed, a4 summoned 10-01 local (Q4: not here), a5 withdrawn while open
 *    and not yet due (CLOSED: excluded, explained),
 *    a6 dispute upheld (reassigned to B), a7 open and not yet due at asOf → excluded.
 *    completion = 100·(1 + 0.5 + 0)/3 = 50.00; satisfaction (100 + 80)/2 = 90.00;
 *    perception: S1 revision 2 = 100 − 5 − 3 = 92, S2 = 85 → 88.50;
 *    total = 0.5·50 + 0.2·90 + 0.3·88.5 = 69.55 → AVERAGE.
 * B: a6' on time → 100.00; feedback on w6 (B is LEAD after the reassignment) dissatisfied → 0.00;
 *    no rating → total = (0.5·100 + 0.2·0)/0.7 = 71.43 → AVERAGE.
 * C: only a rating of 100 → total 100.00 → EXCELLENT. D: nothing → all null, no rank.
 */
const facts: AssessmentFact[] = [
  summon('w1', '2026-07-01T02:00:00.000Z', [['a1', 'A', 'LEAD', '2026-07-02T02:00:00.000Z']]),
  complete('w1', 'a1', '2026-07-01T10:00:00.000Z'),
  { kind: 'feedback', at: '2026-07-03T00:00:00.000Z', whistleId: 'w1', rating: 'SATISFIED' },
  summon('w2', '2026-07-05T00:00:00.000Z', [['a2', 'A', 'LEAD', '2026-07-06T00:00:00.000Z']]),
  complete('w2', 'a2', '2026-07-07T00:00:00.000Z'),
  { kind: 'feedback', at: '2026-07-08T00:00:00.000Z', whistleId: 'w2', rating: 'BASICALLY_SATISFIED' },
  summon('w3', '2026-07-10T00:00:00.000Z', [['a3', 'A', 'LEAD', '2026-07-11T00:00:00.000Z']]),
  summon('w4', '2026-09-30T16:30:00.000Z', [['a4', 'A', 'LEAD', '2026-10-01T16:30:00.000Z']]),
  summon('w5', '2026-07-20T00:00:00.000Z', [['a5', 'A', 'LEAD', '2026-07-21T00:00:00.000Z']]),
  { kind: 'withdrawn', at: '2026-07-20T05:00:00.000Z', whistleId: 'w5' },
  summon('w6', '2026-08-01T00:00:00.000Z', [['a6', 'A', 'LEAD', '2026-08-02T00:00:00.000Z']]),
  {
    kind: 'upheld',
    at: '2026-08-01T03:00:00.000Z',
    whistleId: 'w6',
    assignmentId: 'a6',
    reassignedTo: { assignmentId: 'a6b', departmentId: 'B', role: 'LEAD', completeBy: '2026-08-02T03:00:00.000Z' },
  },
  complete('w6', 'a6b', '2026-08-01T20:00:00.000Z'),
  { kind: 'feedback', at: '2026-08-03T00:00:00.000Z', whistleId: 'w6', rating: 'DISSATISFIED' },
  summon('w7', '2026-09-30T10:00:00.000Z', [['a7', 'A', 'LEAD', '2026-10-07T10:00:00.000Z']]),
  rate('S1', 'A', '2026-09-01T00:00:00.000Z', 1, [[10, '响应不够及时']]),
  rate('S1', 'A', '2026-09-20T00:00:00.000Z', 2, [[5, '到场晚了半小时'], [3, '现场沟通不充分']]),
  rate('S2', 'A', '2026-09-21T00:00:00.000Z', 1, [[15, '多次催办才到场']]),
  rate('S1', 'C', '2026-09-21T00:00:00.000Z', 1, []),
  rate('S2', 'C', '2026-09-21T00:00:00.000Z', 1, [[40, '这是另一个季度的评分']], '2026-Q2'),
];
const asOf = new Date('2026-10-05T00:00:00.000Z');

describe('scorecard v1 from facts (hand-computed)', () => {
  const card = computeScorecard(facts, Q3, asOf, P, catalog);
  const row = (id: string) => card.rows.find((r) => r.departmentId === id)!;

  it('counts on-time, late, missed and excluded assignments by period of summons', () => {
    expect(row('A').completion).toEqual({ score: 50, counted: 3, onTime: 1, late: 1, missed: 1, excluded: 3 });
    expect(row('B').completion).toEqual({ score: 100, counted: 1, onTime: 1, late: 0, missed: 0, excluded: 0 });
  });

  it('scores satisfaction on the LEAD department, perception on the latest revision of each street', () => {
    expect(row('A').satisfaction).toEqual({ score: 90, responses: 2 });
    expect(row('B').satisfaction).toEqual({ score: 0, responses: 1 });
    expect(row('A').perception).toEqual({ score: 88.5, ratings: 2 });
    expect(row('C').perception).toEqual({ score: 100, ratings: 1 });
  });

  it('weights, re-weights missing components, grades and ranks', () => {
    expect(card.rows.map((r) => [r.departmentId, r.total, r.grade, r.rank])).toEqual([
      ['C', 100, 'EXCELLENT', 1],
      ['B', 71.43, 'AVERAGE', 2],
      ['A', 69.55, 'AVERAGE', 3],
      ['D', null, null, null],
    ]);
    expect(row('D')).toMatchObject({ completion: { score: null, counted: 0 }, satisfaction: { score: null }, perception: { score: null }, explanations: [] });
    expect(card).toMatchObject({ period: '2026-Q3', policyVersion: 1, asOf: '2026-10-05T00:00:00.000Z' });
  });

  it('explains every lost point', () => {
    const ex = row('A').explanations;
    expect(ex.map((e) => [e.component, e.kind, 'whistleId' in e ? e.whistleId : e.streetId, e.pointsLost, e.componentImpact])).toEqual([
      ['completion', 'LATE', 'w2', 50, 16.67],
      ['completion', 'MISSED', 'w3', 100, 33.33],
      ['completion', 'CLOSED', 'w5', 0, 0],
      ['satisfaction', 'FEEDBACK', 'w2', 20, 10],
      ['perception', 'DEDUCTION', 'S1', 5, 2.5],
      ['perception', 'DEDUCTION', 'S1', 3, 1.5],
      ['perception', 'DEDUCTION', 'S2', 15, 7.5],
    ]);
    expect(ex[0]).toMatchObject({ deadline: '2026-07-06T00:00:00.000Z', completedAt: '2026-07-07T00:00:00.000Z', assignmentId: 'a2' });
    expect(ex[1]).toMatchObject({ deadline: '2026-07-11T00:00:00.000Z', completedAt: null });
    expect(ex[1].message).toContain('未办结');
    expect(ex[2]).toMatchObject({ assignmentId: 'a5', deadline: '2026-07-21T00:00:00.000Z', completedAt: null });
    expect(ex[2].message).toMatch(/^哨件 w5 随哨件关闭.* closed with the whistle/);
    expect(ex[5]).toMatchObject({ reason: '现场沟通不充分', streetName: '劝业场街道', revision: 2 });
    expect(row('B').explanations).toEqual([expect.objectContaining({ kind: 'FEEDBACK', whistleId: 'w6', rating: 'DISSATISFIED', pointsLost: 100, componentImpact: 100 })]);
  });

  it('reproduces an earlier moment with asOf', () => {
    // 2026-07-10T12:00Z: a1 on time, a2 late; a3 not yet due (excluded); w2's feedback given; no ratings yet.
    const early = computeScorecard(facts, Q3, new Date('2026-07-10T12:00:00.000Z'), P, catalog);
    const a = early.rows.find((r) => r.departmentId === 'A')!;
    expect(a.completion).toEqual({ score: 75, counted: 2, onTime: 1, late: 1, missed: 0, excluded: 1 });
    expect(a.perception).toEqual({ score: null, ratings: 0 });
    expect(a.total).toBe(79.29); // (0.5·75 + 0.2·90)/0.7 = 55.5/0.7 = 79.2857…
    expect(a.grade).toBe('GOOD');
    // before revision 2 of S1: S1 = 90, S2 not yet
    const mid = computeScorecard(facts, Q3, new Date('2026-09-10T00:00:00.000Z'), P, catalog);
    expect(mid.rows.find((r) => r.departmentId === 'A')!.perception).toEqual({ score: 90, ratings: 1 });
  });

  it('is deterministic', () => {
    expect(computeScorecard([...facts].reverse().sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0)), Q3, asOf, P, catalog)).toEqual(card);
  });

  it('judges the missed deadline strictly after it: open exactly at the deadline is not yet missed', () => {
    const f = [summon('w', '2026-07-01T00:00:00.000Z', [['x', 'A', 'LEAD', '2026-07-02T00:00:00.000Z']])];
    const at = (iso: string) => computeScorecard(f, Q3, new Date(iso), P, catalog).rows.find((r) => r.departmentId === 'A')!.completion;
    expect(at('2026-07-02T00:00:00.000Z')).toMatchObject({ counted: 0, excluded: 1 });
    expect(at('2026-07-02T00:00:00.001Z')).toMatchObject({ counted: 1, missed: 1, score: 0 });
    expect(at('2026-06-30T00:00:00.000Z')).toMatchObject({ counted: 0, excluded: 0 });
  });

  it('follows deadline changes and reopened whistles', () => {
    const f: WhistleFact[] = [
      summon('w', '2026-07-01T00:00:00.000Z', [['x', 'A', 'LEAD', '2026-07-02T00:00:00.000Z']]),
      { kind: 'deadlinesChanged', at: '2026-07-01T12:00:00.000Z', whistleId: 'w', assignments: [{ assignmentId: 'x', completeBy: '2026-07-05T00:00:00.000Z' }] },
      complete('w', 'x', '2026-07-04T00:00:00.000Z'),
      { kind: 'reopened', at: '2026-07-06T00:00:00.000Z', whistleId: 'w' },
      { kind: 'deadlinesChanged', at: '2026-07-06T00:00:00.000Z', whistleId: 'w', assignments: [{ assignmentId: 'x', completeBy: '2026-07-08T00:00:00.000Z' }] },
    ];
    const at = (iso: string) => computeScorecard(f, Q3, new Date(iso), P, catalog).rows.find((r) => r.departmentId === 'A')!.completion;
    expect(at('2026-07-03T00:00:00.000Z')).toMatchObject({ counted: 0, excluded: 1 }); // deadline moved to 07-05
    expect(at('2026-07-04T00:00:00.000Z')).toMatchObject({ onTime: 1, score: 100 });
    expect(at('2026-07-07T00:00:00.000Z')).toMatchObject({ counted: 0, excluded: 1 }); // reopened, due 07-08
    expect(at('2026-07-09T00:00:00.000Z')).toMatchObject({ missed: 1, score: 0 });
  });
});

describe('scoring rules', () => {
  it('grades the rounded total: boundaries at exactly 90 and 75', () => {
    expect(gradeOf('90.00', P)).toBe('EXCELLENT');
    expect(gradeOf('89.99', P)).toBe('GOOD');
    expect(gradeOf('75.00', P)).toBe('GOOD');
    expect(gradeOf('74.99', P)).toBe('AVERAGE');
    // 0.5·89.99 + 0.2·90 + 0.3·90 = 89.995 → 90.00 → EXCELLENT
    expect(totalOf({ completion: '89.99', satisfaction: '90.00', perception: '90.00' }, P)).toBe('90.00');
    // 0.5·74.99 + 0.2·75 + 0.3·75 = 74.995 → 75.00 → GOOD
    expect(totalOf({ completion: '74.99', satisfaction: '75.00', perception: '75.00' }, P)).toBe('75.00');
    expect(totalOf({ completion: '74.98', satisfaction: '75.00', perception: '75.00' }, P)).toBe('74.99');
  });

  it('rescales the weights of the components that have data', () => {
    expect(totalOf({ completion: null, satisfaction: '80.00', perception: '90.00' }, P)).toBe('86.00'); // (16 + 27)/0.5
    expect(totalOf({ completion: '60.00', satisfaction: null, perception: null }, P)).toBe('60.00');
    expect(totalOf({ completion: '50.00', satisfaction: null, perception: '100.00' }, P)).toBe('68.75'); // (25 + 30)/0.8
    expect(totalOf({ completion: null, satisfaction: null, perception: null }, P)).toBeNull();
    // 0.5·88.89 + 0.2·80 + 0.3·100 = 44.445 + 16 + 30 = 90.445 → 90.45 (half up, not banker's, not float)
    expect(totalOf({ completion: '88.89', satisfaction: '80.00', perception: '100.00' }, P)).toBe('90.45');
  });

  it('rounds component scores half up: 2 on time + 1 late of 3 → 83.33; 1 late of 8 → 93.75; 5 of 6 → 91.67', () => {
    const card = (t: Partial<DepartmentTally>) =>
      scoreTallies({ period: '2026', asOf: new Date(0), policy: P, departments: [{ id: 'A', name: '甲' }], streets: [], tallies: new Map([['A', { ...emptyTally(), ...t }]]) }).rows[0];
    expect(card({ onTime: 2, late: 1 }).completion.score).toBe(83.33);
    expect(card({ onTime: 7, late: 1 }).completion.score).toBe(93.75);
    expect(card({ onTime: 5, missed: 1 }).completion.score).toBe(83.33);
    expect(card({ onTime: 10, late: 1, missed: 1 }).completion.score).toBe(87.5);
    expect(card({ feedback: { SATISFIED: 2, BASICALLY_SATISFIED: 1, DISSATISFIED: 0 } }).satisfaction.score).toBe(93.33);
    expect(card({ feedback: { SATISFIED: 1, BASICALLY_SATISFIED: 0, DISSATISFIED: 1 } }).satisfaction.score).toBe(50);
  });

  it('gives tied totals the same rank and orders them by name', () => {
    const tallies = new Map<string, DepartmentTally>([
      ['A', { ...emptyTally(), onTime: 1 }],
      ['B', { ...emptyTally(), onTime: 2 }],
      ['C', { ...emptyTally(), onTime: 1, late: 1 }],
    ]);
    const rows = scoreTallies({ period: '2026', asOf: new Date(0), policy: P, departments: departments.slice(0, 3), streets: [], tallies }).rows;
    expect(rows.map((r) => [r.name, r.total, r.rank])).toEqual([
      ['甲局', 100, 1],
      ['乙局', 100, 1],
      ['丙局', 75, 3],
    ]);
  });
});

/** The projection's promise: summing deltas and marks with key ≤ asOf gives the pure fold as of asOf. */
describe('incremental deltas equal the fold, for any asOf', () => {
  function project(fs: WhistleFact[]) {
    const whistles = new Map<string, WhistleState>();
    const deltas: CountDelta[] = [];
    const marks: LostMark[] = [];
    for (const f of fs) {
      let w = whistles.get(f.whistleId);
      if (!w) whistles.set(f.whistleId, (w = emptyWhistle(f.whistleId)));
      const out = applyFact(w, f);
      deltas.push(...out.deltas);
      marks.push(...out.marks);
    }
    return { deltas, marks };
  }

  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];

  it('holds on random histories', () => {
    for (let round = 0; round < 30; round++) {
      const fs: WhistleFact[] = [];
      let t = Date.parse('2026-06-28T00:00:00.000Z');
      const tick = () => new Date((t += Math.floor(rnd() * 20) * 3600_000)).toISOString();
      for (let w = 0; w < 8; w++) {
        const id = `w${w}`;
        const ids = [`${id}a`, `${id}b`];
        const at = tick();
        fs.push(summon(id, at, [[ids[0], pick(['A', 'B']), 'LEAD', new Date(Date.parse(at) + 48 * 3600_000).toISOString()], [ids[1], pick(['B', 'C']), 'ASSIST', new Date(Date.parse(at) + 24 * 3600_000).toISOString()]]));
        for (let k = 0; k < 5; k++) {
          const a = pick(ids);
          const when = tick();
          const f: WhistleFact = pick<WhistleFact>([
            complete(id, a, when),
            { kind: 'deadlinesChanged', at: when, whistleId: id, assignments: [{ assignmentId: a, completeBy: new Date(Date.parse(when) + Math.floor(rnd() * 40) * 3600_000).toISOString() }] },
            { kind: 'reopened', at: when, whistleId: id },
            { kind: 'feedback', at: when, whistleId: id, rating: pick(['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'] as const) },
            { kind: 'upheld', at: when, whistleId: id, assignmentId: a, reassignedTo: a.endsWith('a') ? { assignmentId: `${a}${k}`, departmentId: 'C', role: 'LEAD', completeBy: when } : null },
            { kind: 'cancelled', at: when, whistleId: id, assignmentIds: [a] },
            complete(id, a, when),
            { kind: 'disputed', at: when, whistleId: id, assignmentId: a },
            { kind: 'resumed', at: when, whistleId: id, assignmentId: a, completeBy: pick([null, new Date(Date.parse(when) + Math.floor(rnd() * 30) * 3600_000).toISOString()]) },
            { kind: 'disputed', at: when, whistleId: id, assignmentId: a },
            ...(rnd() < 0.3 ? [{ kind: 'withdrawn', at: when, whistleId: id } as WhistleFact] : []),
            ...(rnd() < 0.3 ? [{ kind: 'confirmed', at: when, whistleId: id } as WhistleFact] : []),
          ]);
          fs.push(f);
        }
      }
      fs.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
      const { deltas, marks } = project(fs);
      for (let probe = 0; probe < 15; probe++) {
        const asOf = new Date(Date.parse('2026-06-27T00:00:00.000Z') + Math.floor(rnd() * 60 * 24) * 3600_000 + (rnd() < 0.3 ? 1 : 0));
        const card = computeScorecard(fs, Q3, asOf, P, catalog);
        const key = keyOf(asOf);
        const months = new Set(['2026-07', '2026-08', '2026-09']);
        for (const d of departments) {
          const sum = (col: string) => deltas.filter((x) => x.departmentId === d.id && months.has(x.month) && x.key <= key && x.column === col).reduce((s, x) => s + x.delta, 0);
          const row = card.rows.find((r) => r.departmentId === d.id)!;
          expect([sum('onTime'), sum('late'), sum('missed'), sum('excluded')]).toEqual([row.completion.onTime, row.completion.late, row.completion.missed, row.completion.excluded]);
          expect(sum('satisfied') + sum('basicallySatisfied') + sum('dissatisfied')).toBe(row.satisfaction.responses);
          const open = new Map<string, number>();
          for (const m of marks) if (m.departmentId === d.id && months.has(m.month) && m.key <= key) open.set(`${m.kind}|${m.itemKey}|${m.whistleId}`, (open.get(`${m.kind}|${m.itemKey}|${m.whistleId}`) ?? 0) + m.sign);
          const fromMarks = [...open.entries()].filter(([, n]) => n > 0).map(([k]) => `${k.split('|')[0]}|${k.split('|')[2]}`).sort();
          const fromFold = row.explanations.filter((e) => e.component !== 'perception').map((e) => `${e.kind}|${'whistleId' in e ? e.whistleId : ''}`).sort();
          expect(fromMarks).toEqual(fromFold);
          expect([...open.values()].every((n) => n === 0 || n === 1)).toBe(true);
        }
      }
    }
  });
});

/** Issue #24: every point a department loses is its own (contract §4, §7, §12). */
describe('completion: closing, withdrawal and disputes never cost a point that is not the department’s', () => {
  const V1 = SCORING_POLICY_V1;
  const T = (day: number, hour = 0) => new Date(Date.UTC(2026, 6, day, hour)).toISOString(); // July 2026
  const of = (fs: WhistleFact[], asOfIso: string, id = 'A') => computeScorecard(fs, Q3, new Date(asOfIso), V1, catalog).rows.find((r) => r.departmentId === id)!;
  // w: LEAD x (A) completed on time; ASSIST y (B) due on day 3
  const base = (): WhistleFact[] => [
    summon('w', T(1), [['x', 'A', 'LEAD', T(3)], ['y', 'B', 'ASSIST', T(3)]]),
    complete('w', 'x', T(2)),
  ];

  it('given an ASSIST still open when the street confirms, when its deadline then passes, then it is excluded as closed with the whistle, never missed', () => {
    const fs = [...base(), { kind: 'confirmed', at: T(2, 6), whistleId: 'w' } as WhistleFact, { kind: 'cancelled', at: T(2, 6), whistleId: 'w', assignmentIds: ['y'] } as WhistleFact];
    const b = of(fs, T(20), 'B');
    expect(b.completion).toEqual({ score: null, counted: 0, onTime: 0, late: 0, missed: 0, excluded: 1 });
    expect(b.explanations).toEqual([expect.objectContaining({ component: 'completion', kind: 'CLOSED', assignmentId: 'y', pointsLost: 0, componentImpact: 0 })]);
    expect(b.explanations[0].message).toContain('随哨件关闭');
    expect(b.explanations[0].message).toContain('closed with the whistle');
    expect(of(fs, T(20), 'A').completion).toMatchObject({ onTime: 1, score: 100 });
  });

  it('given an ASSIST already past its deadline when the whistle is confirmed, then that miss stands', () => {
    const fs = [...base(), { kind: 'confirmed', at: T(4), whistleId: 'w' } as WhistleFact];
    expect(of(fs, T(20), 'B').completion).toMatchObject({ missed: 1, excluded: 0, score: 0 });
    expect(of(fs, T(20), 'B').explanations).toEqual([expect.objectContaining({ kind: 'MISSED', assignmentId: 'y' })]);
  });

  it('given a miss, when the whistle is withdrawn afterwards, then the miss stands', () => {
    const fs: WhistleFact[] = [summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]), { kind: 'withdrawn', at: T(5), whistleId: 'w' }, { kind: 'cancelled', at: T(5), whistleId: 'w', assignmentIds: ['x'] }];
    expect(of(fs, T(20)).completion).toMatchObject({ missed: 1, counted: 1, score: 0 });
    expect(of(fs, T(4)).completion).toMatchObject({ missed: 1 }); // and before the withdrawal too: the same history
  });

  it('given an on-time completion, when the whistle is withdrawn afterwards, then the credit stands', () => {
    const fs: WhistleFact[] = [summon('w', T(1), [['x', 'A', 'LEAD', T(3)], ['y', 'B', 'ASSIST', T(9)]]), complete('w', 'x', T(2)), { kind: 'withdrawn', at: T(4), whistleId: 'w' }];
    expect(of(fs, T(20)).completion).toMatchObject({ onTime: 1, counted: 1, score: 100 });
    expect(of(fs, T(20), 'B').completion).toMatchObject({ counted: 0, excluded: 1 }); // open and not yet due: excluded
  });

  it('given a late completion, when the whistle is withdrawn afterwards, then the late credit stands', () => {
    const fs: WhistleFact[] = [summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]), complete('w', 'x', T(4)), { kind: 'withdrawn', at: T(5), whistleId: 'w' }];
    expect(of(fs, T(20)).completion).toMatchObject({ late: 1, score: 50 });
  });

  it('given a dispute pending past the original deadline, then the assignment is not missed meanwhile', () => {
    const fs: WhistleFact[] = [summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]), { kind: 'disputed', at: T(2), whistleId: 'w', assignmentId: 'x' }];
    expect(of(fs, T(10)).completion).toMatchObject({ counted: 0, missed: 0, excluded: 1 });
    expect(of(fs, T(10)).explanations).toEqual([]);
  });

  it('given a dispute REJECTed after the deadline would have passed, then the moved deadline counts: completed by it → on time, no miss', () => {
    // disputed on day 2 with a day left, rejected on day 6 → due day 7
    const fs: WhistleFact[] = [
      summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]),
      { kind: 'disputed', at: T(2), whistleId: 'w', assignmentId: 'x' },
      { kind: 'resumed', at: T(6), whistleId: 'w', assignmentId: 'x', completeBy: T(7) },
    ];
    expect(of(fs, T(6, 12)).completion).toMatchObject({ counted: 0, excluded: 1 });
    expect(of([...fs, complete('w', 'x', T(6, 23))], T(20)).completion).toMatchObject({ onTime: 1, score: 100 });
    expect(of(fs, T(7, 1)).completion).toMatchObject({ missed: 1 });
    expect(of(fs, T(7, 1)).explanations[0]).toMatchObject({ kind: 'MISSED', deadline: T(7) });
  });

  it('given a dispute received after the deadline had passed, then that miss stands while it waits', () => {
    const fs: WhistleFact[] = [summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]), { kind: 'disputed', at: T(4), whistleId: 'w', assignmentId: 'x' }];
    expect(of(fs, T(10)).completion).toMatchObject({ missed: 1 });
  });

  it('given a LEAD dispute UPHELD with reassignment, then the old one is excluded and the new LEAD’s deadline starts at the decision', () => {
    const fs: WhistleFact[] = [
      summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]),
      { kind: 'disputed', at: T(2), whistleId: 'w', assignmentId: 'x' },
      { kind: 'upheld', at: T(5), whistleId: 'w', assignmentId: 'x', reassignedTo: { assignmentId: 'x2', departmentId: 'B', role: 'LEAD', completeBy: T(7) } },
      complete('w', 'x2', T(6)),
    ];
    expect(of(fs, T(20)).completion).toMatchObject({ counted: 0, excluded: 1 });
    expect(of(fs, T(20)).explanations).toEqual([]);
    expect(of(fs, T(20), 'B').completion).toMatchObject({ onTime: 1, score: 100 });
  });

  it('a whistle closed while a dispute waits: the assignment is closed with the whistle, not missed', () => {
    const fs: WhistleFact[] = [summon('w', T(1), [['x', 'A', 'LEAD', T(3)]]), { kind: 'disputed', at: T(2), whistleId: 'w', assignmentId: 'x' }, { kind: 'withdrawn', at: T(5), whistleId: 'w' }];
    expect(of(fs, T(20)).completion).toMatchObject({ counted: 0, excluded: 1 });
    expect(of(fs, T(20)).explanations).toEqual([expect.objectContaining({ kind: 'CLOSED' })]);
  });

  it('asOf reproducibility: the same facts, period, asOf and policy version give identical scorecards, whatever arrives later', () => {
    const fs = [...base(), { kind: 'confirmed', at: T(2, 6), whistleId: 'w' } as WhistleFact];
    const later = [...fs, { kind: 'feedback', at: T(25), whistleId: 'w', rating: 'DISSATISFIED' } as WhistleFact];
    expect(computeScorecard(later, Q3, new Date(T(20)), V1, catalog)).toEqual(computeScorecard(fs, Q3, new Date(T(20)), V1, catalog));
  });
});

describe('fair ranking: minimumSample (contract §12)', () => {
  const tallies = new Map<string, DepartmentTally>([
    ['A', { ...emptyTally(), onTime: 5 }], // exactly minimumSample: ranked
    ['B', { ...emptyTally(), onTime: 4 }], // one fewer: numbers, no rank
    ['C', { ...emptyTally(), onTime: 5, late: 1 }],
    ['D', { ...emptyTally(), onTime: 2, late: 4 }],
  ]);
  const rows = scoreTallies({ period: '2026', asOf: new Date(0), policy: SCORING_POLICY_V1, departments, streets: [], tallies }).rows;
  const row = (id: string) => rows.find((r) => r.departmentId === id)!;

  it('the default is 5', () => {
    expect(SCORING_POLICY_V1.minimumSample).toBe(5);
  });

  it('a sample of exactly minimumSample gets a rank; one fewer gets its numbers, rank null and insufficientSample', () => {
    expect(row('A')).toMatchObject({ total: 100, rank: 1, insufficientSample: false });
    expect(row('B')).toMatchObject({ total: 100, grade: 'EXCELLENT', rank: null, insufficientSample: true, completion: { counted: 4, score: 100 } });
  });

  it('ranks are assigned among the others only; unranked rows follow the ranked ones', () => {
    expect(rows.map((r) => [r.departmentId, r.total, r.rank, r.insufficientSample])).toEqual([
      ['A', 100, 1, false],
      ['C', 91.67, 2, false],
      ['D', 66.67, 3, false],
      ['B', 100, null, true],
    ]);
  });

  it('a policy published without minimumSample ranks as with 5; minimumSample 0 ranks every department with a total', () => {
    const { minimumSample: _m, ...legacy } = SCORING_POLICY_V1;
    const legacyRows = scoreTallies({ period: '2026', asOf: new Date(0), policy: legacy as ScoringPolicy, departments, streets: [], tallies }).rows;
    expect(legacyRows.map((r) => r.rank)).toEqual(rows.map((r) => r.rank));
    const all = scoreTallies({ period: '2026', asOf: new Date(0), policy: { ...SCORING_POLICY_V1, minimumSample: 0 }, departments, streets: [], tallies }).rows;
    expect(all.map((r) => [r.departmentId, r.rank])).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 3],
      ['D', 4],
    ]);
  });
});

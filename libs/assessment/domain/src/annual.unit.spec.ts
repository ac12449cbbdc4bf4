import { annualPeriodKeys, computeAnnual, type PeriodNumbers } from './annual';
import { parsePeriod } from './period';
import { SCORING_POLICY_V1, type ScoringPolicy } from './scoring-policy';

const departments = [
  { id: 'A', name: '甲局' },
  { id: 'B', name: '乙局' },
  { id: 'C', name: '丙局' },
  { id: 'D', name: '丁局' },
];
const year = parsePeriod('2026')!;
const numbers = (period: string, rows: Array<[string, number | null, number]>): PeriodNumbers => ({
  period,
  policyVersion: 1,
  asOf: '2027-01-05T00:00:00.000Z',
  closedAt: null,
  version: 1,
  rows: rows.map(([departmentId, total, counted]) => ({ departmentId, total, completion: { counted } })),
});

describe('computeAnnual (contract §12)', () => {
  const periods = [
    numbers('2026-Q1', [['A', 90, 10], ['B', 80, 2], ['C', 100, 0]]),
    numbers('2026-Q2', [['A', 60, 30], ['B', 100, 2]]),
    numbers('2026-Q3', [['A', null, 0], ['B', 70, 1]]),
  ];

  it('weights each period’s total by the assignments it counted; annualContribution = score × annualShare', () => {
    const r = computeAnnual({ year, policy: SCORING_POLICY_V1, periods, departments });
    const a = r.rows.find((x) => x.departmentId === 'A')!;
    // (90·10 + 60·30) / 40 = 67.5 → 一般; × 0.30 = 20.25
    expect(a).toMatchObject({ score: 67.5, counted: 40, grade: 'AVERAGE', rank: 2, insufficientSample: false, annualContribution: 20.25 });
    expect(a.periods).toEqual([{ period: '2026-Q1', total: 90, counted: 10 }, { period: '2026-Q2', total: 60, counted: 30 }, { period: '2026-Q3', total: null, counted: 0 }]);
    // B: (80·2 + 100·2 + 70·1) / 5 = 86 → 良好, exactly minimumSample 5: ranked
    expect(r.rows.find((x) => x.departmentId === 'B')).toMatchObject({ score: 86, counted: 5, grade: 'GOOD', insufficientSample: false, annualContribution: 25.8 });
    // C: a total without counted assignments weighs nothing → no score
    expect(r.rows.find((x) => x.departmentId === 'C')).toMatchObject({ score: null, counted: 0, grade: null, rank: null, annualContribution: null });
    expect(r.rows.slice(0, 2).map((x) => [x.departmentId, x.rank])).toEqual([['B', 1], ['A', 2]]);
    expect(r.rows.slice(2).map((x) => x.rank)).toEqual([null, null]);
    expect(r).toMatchObject({ year: 2026, policyVersion: 1, annualShare: '0.30', annualFrom: 'QUARTERS' });
    expect(r.periods.map((p) => p.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3']);
  });

  it('a sample of exactly minimumSample is ranked; one fewer is not (rank null, insufficientSample)', () => {
    const policy: ScoringPolicy = { ...SCORING_POLICY_V1, minimumSample: 6 };
    const r = computeAnnual({ year, policy, periods, departments });
    expect(r.rows.find((x) => x.departmentId === 'B')).toMatchObject({ score: 86, rank: null, insufficientSample: true });
    expect(r.rows[0]).toMatchObject({ departmentId: 'A', rank: 1 });
  });

  it('rounds half up, takes the policy’s share, and builds quarters or months', () => {
    const policy: ScoringPolicy = { ...SCORING_POLICY_V1, annualShare: '0.35', annualFrom: 'MONTHS' };
    const r = computeAnnual({ year, policy, periods: [numbers('2026-01', [['A', 84.44, 1]]), numbers('2026-02', [['A', 84.45, 1]])], departments });
    expect(r.rows[0]).toMatchObject({ departmentId: 'A', score: 84.45, annualContribution: 29.56 }); // 84.445 → 84.45; 29.5575 → 29.56
    expect(annualPeriodKeys(2026, policy)).toHaveLength(12);
    expect(annualPeriodKeys(2026, SCORING_POLICY_V1)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  it('is deterministic: the same numbers give the same report', () => {
    expect(computeAnnual({ year, policy: SCORING_POLICY_V1, periods, departments })).toEqual(computeAnnual({ year, policy: SCORING_POLICY_V1, periods: periods.map((p) => ({ ...p, rows: [...p.rows].reverse() })), departments }));
  });
});

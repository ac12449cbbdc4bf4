import { appealDeadline, computeScorecardWithAppeals, decideAppealDecision, decideFileAppeal, evolveAppeal, initialAppeal, type FileAppeal, type UpheldAppeal } from './appeals';
import type { AssessmentFact } from './facts';
import { parsePeriod } from './period';
import { computeScorecard } from './scorecard';
import { SCORING_POLICY_V1 } from './scoring-policy';

const catalog = { departments: [{ id: 'A', name: '甲局' }, { id: 'B', name: '乙局' }], streets: [{ id: 'S1', name: '劝业场街道' }] };
const Q3 = parsePeriod('2026-Q3')!;
const asOf = new Date('2026-10-01T00:00:00.000Z');
const P = { ...SCORING_POLICY_V1, minimumSample: 0 };

/** A: a1 on time, a2 late, a3 missed; w1's feedback DISSATISFIED (A lead); S1 rates A 85 (10 + 5). */
const facts: AssessmentFact[] = [
  { kind: 'summoned', at: '2026-07-01T00:00:00.000Z', whistleId: 'w1', summonedAt: '2026-07-01T00:00:00.000Z', assignments: [{ assignmentId: 'a1', departmentId: 'A', role: 'LEAD', completeBy: '2026-07-02T00:00:00.000Z' }] },
  { kind: 'completed', at: '2026-07-01T05:00:00.000Z', whistleId: 'w1', assignmentId: 'a1', completedAt: '2026-07-01T05:00:00.000Z' },
  { kind: 'feedback', at: '2026-07-03T00:00:00.000Z', whistleId: 'w1', rating: 'DISSATISFIED', feedbackId: 'f1' },
  { kind: 'summoned', at: '2026-07-05T00:00:00.000Z', whistleId: 'w2', summonedAt: '2026-07-05T00:00:00.000Z', assignments: [{ assignmentId: 'a2', departmentId: 'A', role: 'LEAD', completeBy: '2026-07-06T00:00:00.000Z' }] },
  { kind: 'completed', at: '2026-07-07T00:00:00.000Z', whistleId: 'w2', assignmentId: 'a2', completedAt: '2026-07-07T00:00:00.000Z' },
  { kind: 'summoned', at: '2026-07-10T00:00:00.000Z', whistleId: 'w3', summonedAt: '2026-07-10T00:00:00.000Z', assignments: [{ assignmentId: 'a3', departmentId: 'A', role: 'LEAD', completeBy: '2026-07-11T00:00:00.000Z' }] },
  { kind: 'rated', at: '2026-09-01T00:00:00.000Z', streetId: 'S1', departmentId: 'A', period: '2026-Q3', revision: 1, score: 85, ratingId: 'r1', deductions: [{ points: 10, reason: '到场不及时' }, { points: 5, reason: '沟通不充分' }] },
];
const upheld = (appealId: string, target: UpheldAppeal['target']): UpheldAppeal => ({ appealId, departmentId: 'A', target, decidedAt: '2026-09-20T00:00:00.000Z' });
const rowA = (appeals: UpheldAppeal[]) => computeScorecardWithAppeals(facts, Q3, asOf, P, catalog, appeals).rows.find((r) => r.departmentId === 'A')!;

describe('restoring points on upheld appeals (contract §11)', () => {
  it('without appeals it is the plain scorecard', () => {
    expect(computeScorecardWithAppeals(facts, Q3, asOf, P, catalog, [])).toEqual(computeScorecard(facts, Q3, asOf, P, catalog));
    expect(rowA([])).toMatchObject({ completion: { score: 50, onTime: 1, late: 1, missed: 1 }, satisfaction: { score: 0, responses: 1 }, perception: { score: 85 }, total: 50.5 });
  });

  it('an upheld DEADLINE appeal restores the credit: the missed assignment scores on time, explained "restored on appeal"', () => {
    const r = rowA([upheld('ap1', { kind: 'DEADLINE', assignmentId: 'a3' })]);
    expect(r.completion).toEqual({ score: 83.33, counted: 3, onTime: 2, late: 1, missed: 0, excluded: 0 }); // (1 + 1 + 0.5)/3
    expect(r.explanations.filter((e) => e.kind === 'MISSED')).toEqual([
      expect.objectContaining({ assignmentId: 'a3', pointsLost: 0, componentImpact: 0, restoredOnAppeal: 'ap1', message: expect.stringContaining('restored on appeal ap1') }),
    ]);
    expect(r.explanations.find((e) => e.kind === 'MISSED')!.message).toMatch(/^哨件 w3 超期未办.*经申诉 ap1 恢复得分/);
  });

  it('an upheld SATISFACTION appeal: that response no longer counts (satisfaction null without other responses)', () => {
    const r = rowA([upheld('ap2', { kind: 'SATISFACTION', feedbackId: 'f1' })]);
    expect(r.satisfaction).toEqual({ score: null, responses: 0 });
    expect(r.total).toBe(63.13); // satisfaction dropped, weights rescaled: (0.5·50 + 0.3·85)/0.8 = 63.125 → 63.13
    expect(r.explanations.filter((e) => e.kind === 'FEEDBACK')).toEqual([expect.objectContaining({ feedbackId: 'f1', pointsLost: 0, restoredOnAppeal: 'ap2' })]);
  });

  it('an upheld RATING appeal on one deduction: it no longer counts, the other stays', () => {
    const r = rowA([upheld('ap3', { kind: 'RATING', ratingId: 'r1', deductionIndex: 0 })]);
    expect(r.perception).toEqual({ score: 95, ratings: 1 });
    const deductions = r.explanations.filter((e) => e.kind === 'DEDUCTION');
    expect(deductions.map((e) => [e.pointsLost, (e as { deductionIndex?: number }).deductionIndex, (e as { restoredOnAppeal?: string }).restoredOnAppeal ?? null])).toEqual([
      [5, 1, null],
      [0, 0, 'ap3'],
    ]);
    // the whole rating when no deduction is named
    expect(rowA([upheld('ap4', { kind: 'RATING', ratingId: 'r1' })]).perception.score).toBe(100);
  });

  it('asOf reproducibility: the same facts, period, asOf, policy and appeals give the same numbers', () => {
    const appeals = [upheld('ap1', { kind: 'DEADLINE', assignmentId: 'a2' }), upheld('ap2', { kind: 'SATISFACTION', feedbackId: 'f1' })];
    const one = computeScorecardWithAppeals(facts, Q3, asOf, P, catalog, appeals);
    expect(JSON.stringify(computeScorecardWithAppeals(facts, Q3, asOf, P, catalog, [...appeals].reverse()))).toBe(JSON.stringify(one));
    // as of before a3 was due, a3 is not lost: its appeal restores nothing
    const early = computeScorecardWithAppeals(facts, Q3, new Date('2026-07-10T12:00:00.000Z'), P, catalog, [upheld('ap9', { kind: 'DEADLINE', assignmentId: 'a3' })]);
    expect(early.rows.find((r) => r.departmentId === 'A')!.explanations.some((e) => 'restoredOnAppeal' in e)).toBe(false);
  });
});

describe('the appeal decider', () => {
  const closedAt = new Date('2026-10-08T00:00:00.000Z');
  const file = (over: Partial<FileAppeal> = {}): FileAppeal => ({
    appealId: 'ap1',
    period: '2026-Q3',
    departmentId: 'A',
    target: { kind: 'SATISFACTION', feedbackId: 'f1' },
    reason: '居民误评，现场已处理完毕',
    evidence: ['https://example.org/photo.jpg'],
    now: new Date('2026-10-10T00:00:00.000Z'),
    closedAt,
    appealWindowDays: 10,
    finding: { lostPoint: true, ownerDepartmentId: 'A', restoredBy: null, pendingAppealId: null },
    ...over,
  });

  it('files an appeal on a satisfaction point of its own within the window', () => {
    const events = decideFileAppeal(initialAppeal(), file());
    expect(events).toEqual([{ type: 'AppealFiled', data: expect.objectContaining({ appealId: 'ap1', target: { kind: 'SATISFACTION', feedbackId: 'f1' } }) }]);
    expect(decideFileAppeal(initialAppeal(), file({ closedAt: null, now: new Date('2026-09-10T00:00:00.000Z') }))).toHaveLength(1); // open period
  });

  it('refuses after the window (409), exactly at its end it is still open', () => {
    const end = appealDeadline(closedAt, 10);
    expect(end.toISOString()).toBe('2026-10-18T00:00:00.000Z');
    expect(decideFileAppeal(initialAppeal(), file({ now: end }))).toHaveLength(1);
    expect(decideFileAppeal(initialAppeal(), file({ now: new Date(end.getTime() + 1) }))).toMatchObject({ refused: 'CONFLICT' });
    expect(decideFileAppeal(initialAppeal(), file({ now: new Date(end.getTime() + 1), appealWindowDays: 11 }))).toHaveLength(1);
  });

  it('refuses another department’s point (403), a point not lost (422), a restored or pending one (409), a target naming the wrong id (422)', () => {
    expect(decideFileAppeal(initialAppeal(), file({ finding: { lostPoint: false, ownerDepartmentId: 'B', restoredBy: null, pendingAppealId: null } }))).toMatchObject({ refused: 'FORBIDDEN' });
    expect(decideFileAppeal(initialAppeal(), file({ finding: { lostPoint: false, ownerDepartmentId: 'A', restoredBy: null, pendingAppealId: null } }))).toMatchObject({ refused: 'INVALID', field: 'target' });
    expect(decideFileAppeal(initialAppeal(), file({ finding: { lostPoint: false, ownerDepartmentId: 'A', restoredBy: 'ap0', pendingAppealId: null } }))).toMatchObject({ refused: 'CONFLICT' });
    expect(decideFileAppeal(initialAppeal(), file({ finding: { lostPoint: true, ownerDepartmentId: 'A', restoredBy: null, pendingAppealId: 'ap0' } }))).toMatchObject({ refused: 'CONFLICT' });
    expect(decideFileAppeal(initialAppeal(), file({ target: { kind: 'SATISFACTION', assignmentId: 'a1' } }))).toMatchObject({ refused: 'INVALID', field: 'target' });
    expect(decideFileAppeal(initialAppeal(), file({ target: { kind: 'DEADLINE', assignmentId: 'a1', feedbackId: 'f1' } }))).toMatchObject({ refused: 'INVALID' });
  });

  it('decides once: UPHOLD or REJECT, then 409', () => {
    const filed = (decideFileAppeal(initialAppeal(), file()) as Array<Parameters<typeof evolveAppeal>[1]>).reduce(evolveAppeal, initialAppeal());
    expect(filed.status).toBe('PENDING');
    const decided = decideAppealDecision(filed, { decision: 'UPHOLD', reason: '证据充分，予以支持' });
    expect(decided).toEqual([{ type: 'AppealDecided', data: expect.objectContaining({ appealId: 'ap1', decision: 'UPHOLD', departmentId: 'A' }) }]);
    const after = (decided as Array<Parameters<typeof evolveAppeal>[1]>).reduce(evolveAppeal, filed);
    expect(after.status).toBe('UPHELD');
    expect(decideAppealDecision(after, { decision: 'REJECT', reason: '再裁决一次试试' })).toMatchObject({ refused: 'CONFLICT' });
    expect(decideAppealDecision(initialAppeal(), { decision: 'REJECT', reason: '没有这个申诉' })).toMatchObject({ refused: 'NOT_FOUND' });
  });
});

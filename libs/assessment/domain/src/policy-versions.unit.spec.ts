import { parsePeriod } from './period';
import { policyFor, validateScoringPolicy, type PublishedPolicy } from './policy-versions';
import { SCORING_POLICY_V1, type ScoringPolicy } from './scoring-policy';

const now = new Date('2026-12-04T23:00:00.000Z');
const v2: ScoringPolicy = { ...SCORING_POLICY_V1, version: 2, effectiveFrom: '2027-Q1', minimumSample: 3 };
const v3: ScoringPolicy = { ...SCORING_POLICY_V1, version: 3, effectiveFrom: '2027-04', minimumSample: 8 };
const versions: PublishedPolicy[] = [
  { policy: SCORING_POLICY_V1, publishedAt: null },
  { policy: v2, publishedAt: '2026-12-04T22:00:00.000Z' },
  { policy: v3, publishedAt: '2027-02-01T00:00:00.000Z' },
];
const p = (key: string) => parsePeriod(key)!;

describe('policyFor: the version in force at the period’s start (contract §12)', () => {
  it('a version effective next quarter scores that quarter and later, not the current one', () => {
    const asOf = new Date('2027-06-30T00:00:00.000Z');
    expect(policyFor(p('2026-Q4'), asOf, versions).version).toBe(1);
    expect(policyFor(p('2026-12'), asOf, versions).version).toBe(1);
    expect(policyFor(p('2027-Q1'), asOf, versions).version).toBe(2);
    expect(policyFor(p('2027-03'), asOf, versions).version).toBe(2);
    expect(policyFor(p('2027-Q2'), asOf, versions).version).toBe(3); // starts 2027-04-01, v3's effectiveFrom
    expect(policyFor(p('2027'), asOf, versions).version).toBe(2); // the year starts with its first quarter
    expect(policyFor(p('2026'), asOf, versions).version).toBe(1);
  });

  it('asOf reproducibility: a version published after asOf is not seen by it', () => {
    const before = new Date('2026-12-04T21:00:00.000Z');
    expect(policyFor(p('2027-Q1'), before, versions).version).toBe(1);
    expect(policyFor(p('2027-Q2'), new Date('2027-01-15T00:00:00.000Z'), versions).version).toBe(2);
    expect(policyFor(p('2027-Q2'), new Date('2027-01-15T00:00:00.000Z'), versions)).toEqual(policyFor(p('2027-Q2'), new Date('2027-01-15T00:00:00.000Z'), [...versions].reverse()));
  });

  it('a newer version supersedes an older one from its effectiveFrom on', () => {
    const v4: ScoringPolicy = { ...SCORING_POLICY_V1, version: 4, effectiveFrom: '2027-02' };
    const all = [...versions, { policy: v4, publishedAt: '2027-01-10T00:00:00.000Z' }];
    const asOf = new Date('2027-12-31T00:00:00.000Z');
    expect(policyFor(p('2027-01'), asOf, all).version).toBe(2);
    expect(policyFor(p('2027-02'), asOf, all).version).toBe(4);
    expect(policyFor(p('2027-Q2'), asOf, all).version).toBe(4); // v3 (2027-04) is older than v4
  });
});

describe('validateScoringPolicy', () => {
  const ok = (body: Record<string, unknown>) => {
    const r = validateScoringPolicy(body, now);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.policy;
  };
  const fields = (body: Record<string, unknown>) => {
    const r = validateScoringPolicy(body, now);
    return r.ok ? [] : r.errors.map((e) => e.field).sort();
  };

  it('fills the contract defaults: minimumSample 5, appeal window 10 days, extension cap 2, annualShare 0.30, QUARTERS', () => {
    expect(ok({ effectiveFrom: '2027-Q1' })).toMatchObject({
      effectiveFrom: '2027-Q1',
      weights: SCORING_POLICY_V1.weights,
      credits: SCORING_POLICY_V1.credits,
      minimumSample: 5,
      appealWindowDays: 10,
      extensionCap: 2,
      annualShare: '0.30',
      annualFrom: 'QUARTERS',
    });
    expect(ok({ effectiveFrom: '2027', weights: { completion: 0.6, satisfaction: 0.1, perception: '0.3' }, annualFrom: 'MONTHS', annualShare: 0.4 })).toMatchObject({
      weights: { completion: '0.6', satisfaction: '0.1', perception: '0.3' },
      annualFrom: 'MONTHS',
      annualShare: '0.4',
    });
  });

  it('refuses weights not summing to 1, a period already started, bad credits, thresholds and counts — each by field', () => {
    expect(fields({ effectiveFrom: '2027-Q1', weights: { completion: '0.5', satisfaction: '0.2', perception: '0.2' } })).toEqual(['weights']);
    expect(fields({ effectiveFrom: '2026-Q4' })).toEqual(['effectiveFrom']); // started 2026-10-01
    expect(fields({ effectiveFrom: '2026-12' })).toEqual(['effectiveFrom']);
    expect(fields({})).toEqual(['effectiveFrom']);
    expect(fields({ effectiveFrom: '2027-Q5' })).toEqual(['effectiveFrom']);
    expect(fields({ effectiveFrom: '2027-01', credits: { onTime: '1', late: '1.5', missed: '0' } })).toEqual(['credits.late']);
    expect(fields({ effectiveFrom: '2027-01', credits: { onTime: '0.5', late: '1', missed: '0' } })).toEqual(['credits']);
    expect(fields({ effectiveFrom: '2027-01', grades: [{ grade: 'EXCELLENT', min: '70' }, { grade: 'GOOD', min: '75' }] })).toEqual(['grades']);
    expect(fields({ effectiveFrom: '2027-01', minimumSample: -1, appealWindowDays: 1.5, extensionCap: 'two', annualShare: '0', annualFrom: 'WEEKS' })).toEqual(
      ['annualFrom', 'annualShare', 'appealWindowDays', 'extensionCap', 'minimumSample'],
    );
    expect(fields({ effectiveFrom: '2027-01', weights: 'half' })).toEqual(['weights']);
  });
});

import { LEVELS } from '@chuishao/contracts';
import { atLeast, BUILT_IN_POLICY, deadlinesFrom, DEFAULT_TRIAGE_POLICY, durationMs, isDuration, policyInForceAt, type PolicyVersion } from './policy';

describe('durationMs', () => {
  it.each<[string, number]>([
    ['PT2S', 2000],
    ['PT0.5S', 500],
    ['PT15M', 15 * 60_000],
    ['PT30M', 30 * 60_000],
    ['PT2H', 2 * 3_600_000],
    ['PT24H', 86_400_000],
    ['PT72H', 3 * 86_400_000],
    ['P1D', 86_400_000],
    ['P7D', 7 * 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT2H3M4S', 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4000],
    ['PT90M', 90 * 60_000],
    ['PT0S', 0],
  ])('%s = %d ms', (iso, ms) => {
    expect(isDuration(iso)).toBe(true);
    expect(durationMs(iso)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', '15M', 'PT15', 'P1M', 'P1Y', 'pt15m', 'PT-1S', 'PT1,5S', ' PT1S', 'P1H'])('%j is refused', (iso) => {
    expect(isDuration(iso)).toBe(false);
    expect(() => durationMs(iso)).toThrow(/ISO 8601/);
  });

  it('isDuration refuses non-strings', () => {
    expect(isDuration(15)).toBe(false);
    expect(isDuration(null)).toBe(false);
  });
});

describe('deadlinesFrom', () => {
  it('adds the level SLA to the dispatch time', () => {
    expect(deadlinesFrom(new Date('2026-11-25T08:00:00.000Z'), DEFAULT_TRIAGE_POLICY.sla.RED)).toEqual({
      reportBy: '2026-11-25T08:15:00.000Z',
      arriveBy: '2026-11-25T08:30:00.000Z',
      completeBy: '2026-11-26T08:00:00.000Z',
    });
    expect(deadlinesFrom(new Date('2026-11-25T08:00:00.000Z'), DEFAULT_TRIAGE_POLICY.sla.BLUE).completeBy).toBe('2026-12-02T08:00:00.000Z');
  });
});

describe('atLeast (catalog order: RED most urgent)', () => {
  it.each([
    ['BLUE', 'YELLOW', 'YELLOW'],
    ['YELLOW', 'YELLOW', 'YELLOW'],
    ['RED', 'YELLOW', 'RED'],
    ['BLUE', 'RED', 'RED'],
    ['RED', 'BLUE', 'RED'],
  ] as const)('atLeast(%s, %s) = %s', (l, floor, want) => {
    expect(atLeast(l, floor)).toBe(want);
  });
  it('uses the catalog LEVELS', () => {
    expect(LEVELS).toEqual(['RED', 'YELLOW', 'BLUE']);
  });
});

describe('policyInForceAt (the policy of the time a whistle was blown)', () => {
  const v = (version: number, at: string): PolicyVersion => ({
    policy: { ...DEFAULT_TRIAGE_POLICY, version },
    publishedAt: new Date(at),
    publishedBy: { role: 'command-center', org: null, sub: 'cc' },
  });
  const history = [v(2, '2026-11-01T00:00:00Z'), v(3, '2026-11-10T00:00:00Z')];

  it.each([
    ['2026-10-31T23:59:59.999Z', 1],
    ['2026-11-01T00:00:00.000Z', 2],
    ['2026-11-09T23:59:59.999Z', 2],
    ['2026-11-10T00:00:00.000Z', 3],
    ['2027-01-01T00:00:00.000Z', 3],
  ])('blown at %s → v%d', (at, version) => {
    expect(policyInForceAt(history, new Date(at)).policy.version).toBe(version);
  });
  it('with no publications, v1 built in', () => {
    expect(policyInForceAt([], new Date())).toBe(BUILT_IN_POLICY);
    expect(BUILT_IN_POLICY.policy.version).toBe(1);
  });
});

import { enclosingPeriods, monthKeyOf, monthKeys, parsePeriod, periodRange } from './period';

describe('periods in the district time zone', () => {
  const range = (p: string, tz = 'Asia/Shanghai') => {
    const r = periodRange(parsePeriod(p)!, tz);
    return [r.start.toISOString(), r.end.toISOString()];
  };

  it.each([
    ['2026', '2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['2026-Q1', '2025-12-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z'],
    ['2026-Q3', '2026-06-30T16:00:00.000Z', '2026-09-30T16:00:00.000Z'],
    ['2026-Q4', '2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['2026-09', '2026-08-31T16:00:00.000Z', '2026-09-30T16:00:00.000Z'],
    ['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['2024-02', '2024-01-31T16:00:00.000Z', '2024-02-29T16:00:00.000Z'],
  ])('%s is [%s, %s) in Asia/Shanghai', (p, start, end) => {
    expect(range(p)).toEqual([start, end]);
  });

  it('follows the zone offset where it changes (America/New_York across DST)', () => {
    expect(range('2026-03', 'America/New_York')).toEqual(['2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z']);
    expect(range('2026-Q4', 'America/New_York')).toEqual(['2026-10-01T04:00:00.000Z', '2027-01-01T05:00:00.000Z']);
  });

  it('buckets an instant by its local month', () => {
    expect(monthKeyOf('2026-06-30T15:59:59.999Z')).toBe('2026-06');
    expect(monthKeyOf('2026-06-30T16:00:00.000Z')).toBe('2026-07');
    expect(monthKeyOf('2026-12-31T16:00:00.000Z')).toBe('2027-01');
    expect(monthKeyOf('2026-12-31T16:00:00.000Z', 'UTC')).toBe('2026-12');
  });

  it('parses only year, quarter and month', () => {
    expect(parsePeriod('2026-Q3')).toMatchObject({ kind: 'QUARTER', firstMonth: 7, length: 3 });
    expect(monthKeys(parsePeriod('2026-Q3')!)).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(monthKeys(parsePeriod('2026')!)).toHaveLength(12);
    for (const bad of ['2026-Q5', '2026-Q0', '2026-13', '2026-00', '2026-9', '26', '2026Q3', ' 2026', '2026-q3']) {
      expect(parsePeriod(bad)).toBeUndefined();
    }
  });

  it('knows the periods that enclose a period', () => {
    expect(enclosingPeriods(parsePeriod('2026-09')!)).toEqual(['2026-09', '2026-Q3', '2026']);
    expect(enclosingPeriods(parsePeriod('2026-Q2')!)).toEqual(['2026-Q2', '2026']);
    expect(enclosingPeriods(parsePeriod('2026')!)).toEqual(['2026']);
  });
});

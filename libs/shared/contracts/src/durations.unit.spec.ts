import { deadlinesFrom, durationMs, isDuration } from './durations';

describe('ISO 8601 SLA durations', () => {
  it.each([
    ['PT15M', 15 * 60000],
    ['PT2S', 2000],
    ['PT0.5S', 500],
    ['PT24H', 86400000],
    ['P7D', 7 * 86400000],
    ['P1W', 7 * 86400000],
    ['P1DT2H', 26 * 3600000],
  ])('%s = %d ms', (iso, ms) => expect(durationMs(iso)).toBe(ms));

  it.each(['P', 'PT', '15M', 'P1M', 'P1Y', 'PT-1S', ''])('refuses %s', (iso) => expect(isDuration(iso)).toBe(false));

  it('counts deadlines from the time of dispatch', () => {
    expect(deadlinesFrom(new Date('2026-01-01T00:00:00Z'), { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' })).toEqual({
      reportBy: '2026-01-01T00:15:00.000Z',
      arriveBy: '2026-01-01T00:30:00.000Z',
      completeBy: '2026-01-02T00:00:00.000Z',
    });
  });
});

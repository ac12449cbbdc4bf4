import { DEFAULT_TRIAGE_POLICY } from './policy';
import { DAY_MS, EARTH_RADIUS_M, haversineMeters, isRecurringNeighbour, recurringCount, type WhistleSite } from './recurring';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const here = { lat: 39.1207, lng: 117.2008 };
/** A point `m` metres due north of `here` (a pure latitude offset: haversine gives exactly R·Δφ). */
const northOf = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + (m / EARTH_RADIUS_M) * (180 / Math.PI), lng: p.lng });

const site = (over: Partial<WhistleSite> = {}): WhistleSite => ({
  whistleId: 'now',
  situationCode: 'STREET_VENDING',
  normalisedAddress: '和平区绵阳道1号',
  lat: here.lat,
  lng: here.lng,
  blownAt: NOW,
  ...over,
});
const now = site();
const earlier = (over: Partial<WhistleSite>) => site({ whistleId: 'e', normalisedAddress: '别处', ...over });
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('haversineMeters', () => {
  it('measures 199 m and 201 m north as such', () => {
    expect(haversineMeters(here, northOf(here, 199))).toBeCloseTo(199, 6);
    expect(haversineMeters(here, northOf(here, 201))).toBeCloseTo(201, 6);
  });
  it('Tianjin to Beijing is about 110 km', () => {
    expect(haversineMeters({ lat: 39.0842, lng: 117.2009 }, { lat: 39.9042, lng: 116.4074 }) / 1000).toBeGreaterThan(105);
  });
});

describe('isRecurringNeighbour (policy v1: 200 m, 30 days)', () => {
  it.each<[string, Partial<WhistleSite>, boolean]>([
    ['199 m away, 1 day ago', { ...northOf(here, 199), blownAt: ago(DAY_MS) }, true],
    ['199.9 m away', { ...northOf(here, 199.9), blownAt: ago(DAY_MS) }, true],
    ['201 m away', { ...northOf(here, 201), blownAt: ago(DAY_MS) }, false],
    ['same place, 29 days ago', { blownAt: ago(29 * DAY_MS) }, true],
    ['same place, exactly 30 days ago (day 30 counts)', { blownAt: ago(30 * DAY_MS) }, true],
    ['same place, 30 days and 1 ms ago', { blownAt: ago(30 * DAY_MS + 1) }, false],
    ['same place, 31 days ago (day 31 does not)', { blownAt: ago(31 * DAY_MS) }, false],
    ['same place, same instant', { blownAt: NOW }, true],
    ['blown after this one', { blownAt: new Date(NOW.getTime() + 1) }, false],
    ['another situation', { situationCode: 'FIRE_LANE_BLOCKED', blownAt: ago(DAY_MS) }, false],
    ['the same whistle', { whistleId: 'now', blownAt: ago(DAY_MS) }, false],
    ['far away but the same normalised address', { lat: 40, lng: 118, normalisedAddress: '和平区绵阳道1号', blownAt: ago(DAY_MS) }, true],
    ['no coordinates, same address', { lat: null, lng: null, normalisedAddress: '和平区绵阳道1号', blownAt: ago(DAY_MS) }, true],
    ['no coordinates, other address', { lat: null, lng: null, blownAt: ago(DAY_MS) }, false],
    ['same address but 31 days ago', { normalisedAddress: '和平区绵阳道1号', blownAt: ago(31 * DAY_MS) }, false],
  ])('%s → %s', (_name, over, want) => {
    expect(isRecurringNeighbour(earlier(over), now, DEFAULT_TRIAGE_POLICY)).toBe(want);
  });

  it('two empty addresses do not match', () => {
    expect(isRecurringNeighbour(earlier({ normalisedAddress: '', lat: null, lng: null, blownAt: ago(1) }), site({ normalisedAddress: '', lat: null, lng: null }), DEFAULT_TRIAGE_POLICY)).toBe(false);
  });
  it('this whistle without coordinates still matches by address only', () => {
    const mine = site({ lat: null, lng: null });
    expect(isRecurringNeighbour(earlier({ blownAt: ago(1) }), mine, DEFAULT_TRIAGE_POLICY)).toBe(false);
    expect(isRecurringNeighbour(earlier({ normalisedAddress: mine.normalisedAddress, blownAt: ago(1) }), mine, DEFAULT_TRIAGE_POLICY)).toBe(true);
  });
  it('radius and window come from the policy', () => {
    const wide = { rules: { ...DEFAULT_TRIAGE_POLICY.rules, recurring: { ...DEFAULT_TRIAGE_POLICY.rules.recurring, radiusMeters: 500, windowDays: 60 } } };
    expect(isRecurringNeighbour(earlier({ ...northOf(here, 400), blownAt: ago(45 * DAY_MS) }), now, wide)).toBe(true);
  });
  it('recurringCount counts the neighbours', () => {
    const list = [earlier({ blownAt: ago(DAY_MS) }), earlier({ whistleId: 'e2', blownAt: ago(2 * DAY_MS) }), earlier({ whistleId: 'e3', blownAt: ago(40 * DAY_MS) })];
    expect(recurringCount(list, now, DEFAULT_TRIAGE_POLICY)).toBe(2);
  });
});

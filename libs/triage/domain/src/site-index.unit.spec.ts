import { DEFAULT_TRIAGE_POLICY, type TriagePolicy } from './policy';
import { DAY_MS, EARTH_RADIUS_M, recurringCount, type WhistleSite } from './recurring';
import { SiteIndex } from './site-index';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const here = { lat: 39.1207, lng: 117.2008 };
const north = (m: number) => (m / EARTH_RADIUS_M) * (180 / Math.PI);
const east = (m: number, lat = here.lat) => north(m) / Math.cos((lat * Math.PI) / 180);
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const withRules = (radiusMeters: number, windowDays: number): Pick<TriagePolicy, 'rules'> => ({
  rules: { ...DEFAULT_TRIAGE_POLICY.rules, recurring: { ...DEFAULT_TRIAGE_POLICY.rules.recurring, radiusMeters, windowDays } },
});

/** A deterministic pseudo-random sequence (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SiteIndex', () => {
  it('counts exactly what recurringCount counts over the same sites, at the grid cells’ edges too (2,000 random sites, 300 probes, with and without a batch)', () => {
    const rnd = random(20261202);
    const situations = ['NOISE_NUISANCE', 'STREET_VENDING', 'ILLEGAL_PARKING'];
    const addresses = ['', '', '和平区南京路1号', '和平区南京路2号', '河西区友谊路3号'];
    const point = () => {
      // clustered around a corner of the grid (lat and lng multiples of its 0.0025° cells), 0–600 m away, so circles and boxes cross cells
      const corner = { lat: 39.12, lng: 117.2 };
      return rnd() < 0.1 ? { lat: null, lng: null } : { lat: corner.lat + north((rnd() - 0.5) * 1200), lng: corner.lng + east((rnd() - 0.5) * 1200) };
    };
    const site = (k: number, blownAt: Date): WhistleSite => ({
      whistleId: `w${k}`,
      situationCode: situations[Math.floor(rnd() * situations.length)],
      normalisedAddress: addresses[Math.floor(rnd() * addresses.length)],
      ...point(),
      blownAt,
    });
    const sites = Array.from({ length: 2000 }, (_, k) => site(k, ago(rnd() * 40 * DAY_MS)));
    const index = new SiteIndex(ago(400 * DAY_MS));
    const stored = sites.slice(0, 1800);
    for (const s of stored) index.add(s);
    // a batch: sites not stored yet, and some that are (a message delivered again)
    const batch = [...sites.slice(1800), ...sites.slice(0, 50)];
    for (const policy of [DEFAULT_TRIAGE_POLICY, withRules(350, 10), withRules(10_000, 30)]) {
      for (let p = 0; p < 100; p++) {
        const probe = site(10_000 + p, ago(rnd() * 5 * DAY_MS));
        expect(index.count(probe, policy)).toBe(recurringCount(stored, probe, policy));
        expect(index.count(probe, policy, batch)).toBe(recurringCount(sites, probe, policy));
      }
    }
  });

  it('counts a site near AND at the same address once, and a batch’s own sites with the stored ones', () => {
    const index = new SiteIndex(ago(60 * DAY_MS));
    const now: WhistleSite = { whistleId: 'now', situationCode: 'NOISE_NUISANCE', normalisedAddress: '南京路1号', ...here, blownAt: NOW };
    index.add({ ...now, whistleId: 'both', blownAt: ago(DAY_MS) });
    expect(index.count(now, DEFAULT_TRIAGE_POLICY)).toBe(1);
    const batch = [
      { ...now, whistleId: 'mate', lat: here.lat + north(150), blownAt: ago(60_000) },
      { ...now, whistleId: 'later', blownAt: new Date(NOW.getTime() + 1) }, // blown after: does not count
      { ...now, whistleId: 'both', blownAt: ago(DAY_MS) }, // already stored: once only
    ];
    expect(index.count(now, DEFAULT_TRIAGE_POLICY, batch)).toBe(2);
    // and itself never
    expect(index.count(now, DEFAULT_TRIAGE_POLICY, [now])).toBe(1);
  });

  it('adds a whistle once; covers a window only inside what it holds; forgets what it prunes', () => {
    const index = new SiteIndex(ago(31 * DAY_MS));
    const s: WhistleSite = { whistleId: 'a', situationCode: 'NOISE_NUISANCE', normalisedAddress: '', ...here, blownAt: ago(20 * DAY_MS) };
    expect(index.add(s)).toBe(true);
    expect(index.add({ ...s })).toBe(false);
    expect(index.size).toBe(1);
    const now: WhistleSite = { ...s, whistleId: 'now', blownAt: NOW };
    expect(index.covers(now, DEFAULT_TRIAGE_POLICY)).toBe(true); // 30 days back: inside 31
    expect(index.covers(now, withRules(200, 32))).toBe(false);
    expect(index.covers({ ...now, blownAt: ago(2 * DAY_MS) }, DEFAULT_TRIAGE_POLICY)).toBe(false); // a late whistle: its window starts 32 days back
    expect(index.count(now, DEFAULT_TRIAGE_POLICY)).toBe(1);
    index.prune(ago(10 * DAY_MS));
    expect(index.size).toBe(0);
    expect(index.count(now, DEFAULT_TRIAGE_POLICY)).toBe(0);
    expect(index.from).toEqual(ago(10 * DAY_MS));
    expect(index.covers(now, DEFAULT_TRIAGE_POLICY)).toBe(false);
  });
});

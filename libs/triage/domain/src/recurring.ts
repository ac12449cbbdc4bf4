import type { TriagePolicy } from './policy';

/** Where and when a whistle was blown, as the recurring-problem rule compares whistles. */
export interface WhistleSite {
  whistleId: string;
  situationCode: string;
  /** As intake normalised it (NFKC full-width digits, 號→号, spaces and punctuation folded). */
  normalisedAddress: string;
  lat: number | null;
  lng: number | null;
  blownAt: Date;
}

/** Mean Earth radius (IUGG), the same constant as the SQL in the triage handler. */
export const EARTH_RADIUS_M = 6371008.8;
export const DAY_MS = 86_400_000;

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function haversineMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

/**
 * Does `earlier` count towards `now`'s recurring problem (rule 4)? Same situation; another whistle;
 * blown no later than `now` and at most `windowDays` × 24 h before it (inclusive: exactly 30 days
 * counts, 30 days and 1 ms does not); and within `radiusMeters` by haversine (inclusive) when both
 * have coordinates, OR the same non-empty normalised address.
 */
export function isRecurringNeighbour(earlier: WhistleSite, now: WhistleSite, policy: Pick<TriagePolicy, 'rules'>): boolean {
  const r = policy.rules.recurring;
  if (earlier.whistleId === now.whistleId || earlier.situationCode !== now.situationCode) return false;
  const age = now.blownAt.getTime() - earlier.blownAt.getTime();
  if (age < 0 || age > r.windowDays * DAY_MS) return false;
  if (earlier.normalisedAddress !== '' && earlier.normalisedAddress === now.normalisedAddress) return true;
  if (earlier.lat === null || earlier.lng === null || now.lat === null || now.lng === null) return false;
  return haversineMeters({ lat: earlier.lat, lng: earlier.lng }, { lat: now.lat, lng: now.lng }) <= r.radiusMeters;
}

/** How many of `earlier` are recurring neighbours of `now` (what the SQL counts in the database). */
export function recurringCount(earlier: readonly WhistleSite[], now: WhistleSite, policy: Pick<TriagePolicy, 'rules'>): number {
  return earlier.filter((e) => isRecurringNeighbour(e, now, policy)).length;
}

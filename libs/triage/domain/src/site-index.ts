import type { TriagePolicy } from './policy';
import { DAY_MS, isRecurringNeighbour, type WhistleSite } from './recurring';

/** The grid's cell, in degrees (about 280 m north–south, 215 m east–west at 39° N): a 200 m circle's box spans 3 × 3 or 3 × 4 cells. */
const CELL_DEG = 0.0025;
/** Metres in a degree of latitude (the same figure as the SQL's bounding box). */
const M_PER_DEG_LAT = 111194.9;
/** A radius whose box spans more cells than this (about 2.5 km) is answered by scanning the situation's sites. */
const MAX_CELLS = 400;

/**
 * The sites of the whistles blown since `from`, in memory, for the recurring-problem rule (ADR 0017):
 * each site under its situation's normalised address and its situation's grid cell, so a count
 * looks at the few sites near the whistle, and decides each with {@link isRecurringNeighbour} itself —
 * the rule as the unit tests pin it down, not a second rendition of it.
 *
 * It is complete from `from` on only if every site blown since then was added: the caller loads the
 * stored sites and adds each site it records after that; {@link covers} says whether a whistle's
 * window lies inside what it holds.
 */
export class SiteIndex {
  private readonly byId = new Map<string, WhistleSite>();
  private readonly byAddress = new Map<string, WhistleSite[]>();
  private readonly byCell = new Map<string, WhistleSite[]>();
  private readonly bySituation = new Map<string, WhistleSite[]>();

  constructor(private earliest: Date) {}

  /** Every site blown at or after this time is here. */
  get from(): Date {
    return this.earliest;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds a site (a whistle's second add changes nothing); false if it was there. */
  add(site: WhistleSite): boolean {
    if (this.byId.has(site.whistleId)) return false;
    this.byId.set(site.whistleId, site);
    push(this.bySituation, site.situationCode, site);
    if (site.normalisedAddress !== '') push(this.byAddress, addressKey(site.situationCode, site.normalisedAddress), site);
    if (site.lat !== null && site.lng !== null) push(this.byCell, cellKey(site.situationCode, cellOf(site.lat), cellOf(site.lng)), site);
    return true;
  }

  has(whistleId: string): boolean {
    return this.byId.has(whistleId);
  }

  /** Whether every site that can count for `now` under `policy` is here (its window starts at or after {@link from}). */
  covers(now: WhistleSite, policy: Pick<TriagePolicy, 'rules'>): boolean {
    return now.blownAt.getTime() - policy.rules.recurring.windowDays * DAY_MS >= this.earliest.getTime();
  }

  /**
   * How many sites here, and of `others` (a batch's sites not added yet), are recurring neighbours
   * of `now` — each site once, whether it is near, at the same address, or both.
   */
  count(now: WhistleSite, policy: Pick<TriagePolicy, 'rules'>, others: readonly WhistleSite[] = []): number {
    const seen = new Set<string>();
    let n = 0;
    const consider = (s: WhistleSite) => {
      if (seen.has(s.whistleId)) return;
      seen.add(s.whistleId);
      if (isRecurringNeighbour(s, now, policy)) n++;
    };
    for (const s of others) consider(s);
    for (const s of this.candidates(now, policy)) consider(s);
    return n;
  }

  /** Forgets the sites blown before `before`; what is held then starts there. */
  prune(before: Date): void {
    if (before.getTime() <= this.earliest.getTime()) return;
    this.earliest = before;
    const keep = (s: WhistleSite) => s.blownAt.getTime() >= before.getTime();
    for (const [id, s] of this.byId) if (!keep(s)) this.byId.delete(id);
    for (const map of [this.byAddress, this.byCell, this.bySituation]) {
      for (const [k, list] of map) {
        const kept = list.filter(keep);
        if (kept.length === 0) map.delete(k);
        else if (kept.length !== list.length) map.set(k, kept);
      }
    }
  }

  /** The sites that may be neighbours of `now`: those at its address, and those in the box around its circle (1 % larger). */
  private *candidates(now: WhistleSite, policy: Pick<TriagePolicy, 'rules'>): Iterable<WhistleSite> {
    if (now.normalisedAddress !== '') yield* this.byAddress.get(addressKey(now.situationCode, now.normalisedAddress)) ?? [];
    if (now.lat === null || now.lng === null) return;
    const r = policy.rules.recurring.radiusMeters;
    const dLat = (r * 1.01) / M_PER_DEG_LAT;
    const dLng = (r * 1.01) / (M_PER_DEG_LAT * Math.cos((Math.min(Math.abs(now.lat), 89) * Math.PI) / 180));
    const [lat0, lat1, lng0, lng1] = [cellOf(now.lat - dLat), cellOf(now.lat + dLat), cellOf(now.lng - dLng), cellOf(now.lng + dLng)];
    if ((lat1 - lat0 + 1) * (lng1 - lng0 + 1) > MAX_CELLS) {
      yield* this.bySituation.get(now.situationCode) ?? [];
      return;
    }
    // the cells hold more than the box: only the sites inside it go on to the haversine
    const inBox = (s: WhistleSite) => s.lat !== null && s.lng !== null && Math.abs(s.lat - now.lat!) <= dLat && Math.abs(s.lng - now.lng!) <= dLng;
    for (let a = lat0; a <= lat1; a++) {
      for (let b = lng0; b <= lng1; b++) for (const s of this.byCell.get(cellKey(now.situationCode, a, b)) ?? []) if (inBox(s)) yield s;
    }
  }
}

const cellOf = (deg: number): number => Math.floor(deg / CELL_DEG);
const cellKey = (situation: string, a: number, b: number): string => `${situation}|${a}|${b}`;
const addressKey = (situation: string, address: string): string => `${situation}|${address}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

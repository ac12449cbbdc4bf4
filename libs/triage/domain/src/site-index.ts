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
  /** situation → normalised address → its sites (the address not empty). */
  private readonly byAddress = new Map<string, Map<string, WhistleSite[]>>();
  /**
   * situation → the grid's row → its column → the cell's sites (those with a position). Rows and
   * columns are small integers, which a Map finds several times faster than doubles or strings.
   */
  private readonly byCell = new Map<string, Map<number, Map<number, Cell>>>();
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
    if (site.normalisedAddress !== '') push(inner(this.byAddress, site.situationCode), site.normalisedAddress, site);
    if (site.lat !== null && site.lng !== null) {
      const row = inner(inner(this.byCell, site.situationCode), cellOf(site.lat));
      const column = cellOf(site.lng);
      let cell = row.get(column);
      if (!cell) row.set(column, (cell = new Cell()));
      cell.add(site);
    }
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
   * How many sites here, and of `others` (a batch's sites, one per whistle, not added yet), are
   * recurring neighbours of `now` — each site once, whether it is near, at the same address, or both.
   *
   * The hot path of triage's decision, so no set of seen sites: a site here is either in the list of
   * `now`'s address (counted there) or at another address (counted from the cells, or the scan), and
   * one of `others` that is here already is left to the lists.
   */
  count(now: WhistleSite, policy: Pick<TriagePolicy, 'rules'>, others: readonly WhistleSite[] = []): number {
    let n = 0;
    for (const s of others) if (!this.byId.has(s.whistleId) && isRecurringNeighbour(s, now, policy)) n++;
    const address = now.normalisedAddress;
    if (address !== '') {
      for (const s of this.byAddress.get(now.situationCode)?.get(address) ?? NONE) if (isRecurringNeighbour(s, now, policy)) n++;
    }
    if (now.lat === null || now.lng === null) return n;
    const atAnotherAddress = (s: WhistleSite) => address === '' || s.normalisedAddress !== address;
    const r = policy.rules.recurring.radiusMeters;
    const dLat = (r * 1.01) / M_PER_DEG_LAT;
    const dLng = (r * 1.01) / (M_PER_DEG_LAT * Math.cos((Math.min(Math.abs(now.lat), 89) * Math.PI) / 180));
    const lat0 = cellOf(now.lat - dLat);
    const lat1 = cellOf(now.lat + dLat);
    const lng0 = cellOf(now.lng - dLng);
    const lng1 = cellOf(now.lng + dLng);
    if ((lat1 - lat0 + 1) * (lng1 - lng0 + 1) > MAX_CELLS) {
      for (const s of this.bySituation.get(now.situationCode) ?? NONE) if (atAnotherAddress(s) && isRecurringNeighbour(s, now, policy)) n++;
      return n;
    }
    const rows = this.byCell.get(now.situationCode);
    if (!rows) return n;
    // the cells hold more than the box around the circle (1 % larger) and the window: only the
    // sites inside both, found in the cells' columns of numbers, go on to the rule itself
    const at = now.blownAt.getTime();
    const earliest = at - policy.rules.recurring.windowDays * DAY_MS;
    for (let a = lat0; a <= lat1; a++) {
      const row = rows.get(a);
      if (!row) continue;
      for (let b = lng0; b <= lng1; b++) {
        const cell = row.get(b);
        if (!cell) continue;
        for (let k = 0; k < cell.sites.length; k++) {
          if (Math.abs(cell.lat[k] - now.lat) > dLat || Math.abs(cell.lng[k] - now.lng) > dLng || cell.at[k] > at || cell.at[k] < earliest) continue;
          const s = cell.sites[k];
          if (atAnotherAddress(s) && isRecurringNeighbour(s, now, policy)) n++;
        }
      }
    }
    return n;
  }

  /** Forgets the sites blown before `before`; what is held then starts there. */
  prune(before: Date): void {
    if (before.getTime() <= this.earliest.getTime()) return;
    this.earliest = before;
    const keep = (s: WhistleSite) => s.blownAt.getTime() >= before.getTime();
    for (const [id, s] of this.byId) if (!keep(s)) this.byId.delete(id);
    // the lists kept, the emptied ones and the maps left empty deleted, at any depth
    const prune = (map: Map<unknown, unknown>) => {
      for (const [k, v] of map) {
        if (v instanceof Map) {
          prune(v);
          if (v.size === 0) map.delete(k);
          continue;
        }
        if (v instanceof Cell) {
          v.keep(keep);
          if (v.sites.length === 0) map.delete(k);
          continue;
        }
        const list = v as WhistleSite[];
        const kept = list.filter(keep);
        if (kept.length === 0) map.delete(k);
        else if (kept.length !== list.length) map.set(k, kept);
      }
    };
    for (const map of [this.bySituation, this.byAddress, this.byCell]) prune(map);
  }
}

const NONE: readonly WhistleSite[] = [];

/**
 * A grid cell's sites, with their positions and times in columns of plain numbers beside them:
 * a count reads the few numbers of each site in the cells around a whistle, contiguous in memory,
 * rather than each site's object and boxed numbers scattered over the heap (several times faster
 * at tens of thousands of sites; ADR 0017).
 */
class Cell {
  readonly sites: WhistleSite[] = [];
  readonly lat: number[] = [];
  readonly lng: number[] = [];
  /** blownAt, in ms since the epoch */
  readonly at: number[] = [];

  add(site: WhistleSite): void {
    this.sites.push(site);
    this.lat.push(site.lat as number);
    this.lng.push(site.lng as number);
    this.at.push(site.blownAt.getTime());
  }

  keep(keep: (s: WhistleSite) => boolean): void {
    let j = 0;
    for (let k = 0; k < this.sites.length; k++) {
      if (!keep(this.sites[k])) continue;
      this.sites[j] = this.sites[k];
      this.lat[j] = this.lat[k];
      this.lng[j] = this.lng[k];
      this.at[j] = this.at[k];
      j++;
    }
    for (const column of [this.sites, this.lat, this.lng, this.at] as unknown[][]) column.length = j;
  }
}

const cellOf = (deg: number): number => Math.floor(deg / CELL_DEG);
function inner<K, L, V>(map: Map<K, Map<L, V>>, key: K): Map<L, V> {
  let m = map.get(key);
  if (!m) map.set(key, (m = new Map()));
  return m;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

import { DEFAULT_EXTENSION_CAP } from '@chuishao/dispatch-contracts';

/**
 * The extension cap in force for an assignment (contract §11/§12): assessment's scoring policy
 * caps the approved extensions per assignment; dispatch keeps the versions it read from the bus
 * (ScoringPolicyPublished) and applies the version in force at the start of the period of the
 * assignment's summons — the calendar month (YYYY-MM) of `summonedAt` in the district's time zone,
 * the finest period assessment scores (a summons is bucketed by its month there too).
 * The default (2) when no version applies. Pure: the zone comes from the runtime's Intl data.
 */
export interface ExtensionCapVersion {
  version: number;
  /** The period the version applies from: `2027`, `2027-Q1` or `2027-01` (as assessment names it). */
  effectiveFrom: string;
  extensionCap: number;
}

export const DEFAULT_DISTRICT_TZ = 'Asia/Shanghai';

const YEAR = /^(\d{4})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The first month of a period (`2026`, `2026-Q3`, `2026-09`) as a month count (year × 12 + month − 1);
 * undefined for anything else. Every period starts at local midnight on the 1st of that month, so
 * comparing these counts compares the periods' starts in any one zone.
 */
export function periodStartMonth(key: string): number | undefined {
  let m = YEAR.exec(key);
  if (m) return Number(m[1]) * 12;
  m = QUARTER.exec(key);
  if (m) return Number(m[1]) * 12 + (Number(m[2]) - 1) * 3;
  m = MONTH.exec(key);
  if (m) return Number(m[1]) * 12 + Number(m[2]) - 1;
  return undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The month (`YYYY-MM`) an instant falls in, in the zone: the period of a summons. */
export function summonsPeriod(summonedAt: string | Date, tz: string = DEFAULT_DISTRICT_TZ): string {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit' });
    formatters.set(tz, f);
  }
  const parts = f.formatToParts(typeof summonedAt === 'string' ? new Date(summonedAt) : summonedAt);
  const year = parts.find((p) => p.type === 'year')?.value;
  const month = parts.find((p) => p.type === 'month')?.value;
  return `${year}-${month}`;
}

/**
 * The cap for a period: among the versions whose `effectiveFrom` starts at or before the period's
 * start, the highest-numbered one (a newer version supersedes the older ones from its effectiveFrom
 * on — assessment's rule for which version scores a period); `fallback` (the contract's default 2)
 * when none does, or when the period is not one.
 */
export function extensionCapFor(versions: readonly ExtensionCapVersion[], period: string, fallback: number = DEFAULT_EXTENSION_CAP): number {
  const start = periodStartMonth(period);
  if (start === undefined) return fallback;
  let best: ExtensionCapVersion | undefined;
  for (const v of versions) {
    const from = periodStartMonth(v.effectiveFrom);
    if (from === undefined || from > start) continue;
    if (!best || v.version > best.version) best = v;
  }
  return best ? best.extensionCap : fallback;
}

/** The cap in force for an assignment summoned at `summonedAt`: the version in force at the start of its summons' month. */
export function extensionCapOfSummons(versions: readonly ExtensionCapVersion[], summonedAt: string, tz: string = DEFAULT_DISTRICT_TZ): number {
  return extensionCapFor(versions, summonsPeriod(summonedAt, tz));
}

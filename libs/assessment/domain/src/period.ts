/**
 * Calendar periods of the assessment (contract §7): a year `2026`, a quarter `2026-Q3` or a month
 * `2026-09`, in the district's time zone (`CHUISHAO_TZ`, default Asia/Shanghai). Pure: the zone
 * offsets come from the runtime's Intl data, no library.
 */
export type PeriodKind = 'YEAR' | 'QUARTER' | 'MONTH';

export interface Period {
  key: string;
  kind: PeriodKind;
  year: number;
  /** First month of the period, 1..12. */
  firstMonth: number;
  /** Number of months: 12, 3 or 1. */
  length: number;
}

export const DEFAULT_TZ = 'Asia/Shanghai';

const YEAR = /^(\d{4})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Parses `2026`, `2026-Q3` or `2026-09`; undefined for anything else. */
export function parsePeriod(value: string): Period | undefined {
  let m = YEAR.exec(value);
  if (m) return { key: value, kind: 'YEAR', year: Number(m[1]), firstMonth: 1, length: 12 };
  m = QUARTER.exec(value);
  if (m) return { key: value, kind: 'QUARTER', year: Number(m[1]), firstMonth: (Number(m[2]) - 1) * 3 + 1, length: 3 };
  m = MONTH.exec(value);
  if (m) return { key: value, kind: 'MONTH', year: Number(m[1]), firstMonth: Number(m[2]), length: 1 };
  return undefined;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The month keys (`YYYY-MM`) a period is made of. */
export function monthKeys(p: Period): string[] {
  return Array.from({ length: p.length }, (_, i) => `${p.year}-${pad2(p.firstMonth + i)}`);
}

/** The period itself and the periods that contain it: month → its quarter and year; quarter → its year. */
export function enclosingPeriods(p: Period): string[] {
  const out = [p.key];
  if (p.kind === 'MONTH') out.push(`${p.year}-Q${Math.floor((p.firstMonth - 1) / 3) + 1}`);
  if (p.kind !== 'YEAR') out.push(String(p.year));
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
export function wallClock(instant: Date, tz: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function zoneOffsetMs(instant: Date, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of a local wall-clock midnight (first day of `month` of `year`; month may be 13 = next January). */
function zonedMidnight(year: number, month: number, tz: string): Date {
  const guess = Date.UTC(year, month - 1, 1);
  let offset = zoneOffsetMs(new Date(guess), tz);
  let instant = guess - offset;
  const second = zoneOffsetMs(new Date(instant), tz);
  if (second !== offset) {
    offset = second;
    instant = guess - offset;
  }
  return new Date(instant);
}

/** [start, end) of a period as instants in the zone. */
export function periodRange(p: Period, tz: string = DEFAULT_TZ): { start: Date; end: Date } {
  return { start: zonedMidnight(p.year, p.firstMonth, tz), end: zonedMidnight(p.year, p.firstMonth + p.length, tz) };
}

/** The month key (`YYYY-MM`) of an instant in the zone: the period bucket of a summons. */
export function monthKeyOf(instant: Date | string, tz: string = DEFAULT_TZ): string {
  const w = wallClock(typeof instant === 'string' ? new Date(instant) : instant, tz);
  return `${w.year}-${pad2(w.month)}`;
}

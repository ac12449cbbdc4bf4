// Times in the district's time zone (Beijing time), in ONE format everywhere: 2026-12-05 14:30.
// Durations in Chinese. The CSV exports use the same format (Excel parses it as a date and time).
export const TZ = 'Asia/Shanghai';

const partsFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** {year, month, day, hour, minute} of an instant in Beijing time, as zero-padded strings. */
function beijingParts(d) {
  return Object.fromEntries(partsFormat.formatToParts(d).map((p) => [p.type, p.value]));
}

/** "2026-12-05 14:30" (Beijing time); "—" when there is no time. */
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = beijingParts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026年第49周（11-30 起）" for an ISO week "2026-W49" (its Monday, as a date in the same format). */
export function fmtWeek(week) {
  const m = /^(\d{4})-W(\d{2})$/.exec(String(week ?? ''));
  if (!m) return String(week ?? '—');
  const [y, w] = [Number(m[1]), Number(m[2])];
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000 + (w - 1) * 7 * 86400000);
  return `${y}年第${w}周（${monday.toISOString().slice(5, 10)} 起）`;
}

/** "1天2小时" / "3小时5分" / "4分12秒" for a number of milliseconds (absolute value). */
export function fmtDuration(ms) {
  let s = Math.max(0, Math.round(Math.abs(ms) / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const mm = Math.floor(s / 60);
  s -= mm * 60;
  if (d > 0) return `${d}天${hh}小时`;
  if (hh > 0) return `${hh}小时${mm}分`;
  if (mm > 0) return `${mm}分${s}秒`;
  return `${s}秒`;
}

/** Milliseconds as a short human duration for analytics (accepts seconds or ISO 8601 if given). */
export function fmtMaybeDuration(value, key = '') {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && /^P/.test(value)) return value;
  if (typeof value !== 'number') return String(value);
  if (/ms$|Ms$|Millis/i.test(key)) return fmtDuration(value);
  if (/seconds$|Seconds$|Sec$/i.test(key)) return fmtDuration(value * 1000);
  if (/minutes$|Minutes$|Min$/i.test(key)) return fmtDuration(value * 60000);
  return fmtNumber(value);
}

export function fmtNumber(n) {
  if (n === null || n === undefined) return '—';
  if (typeof n !== 'number') return String(n);
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** "2026年第3季度" / "2026年9月" / "2026年度" for a period key ("2026-Q3", "2026-09", "2026"). */
export function fmtPeriod(period) {
  const p = String(period ?? '');
  let m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) return `${m[1]}年第${m[2]}季度`;
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return /^\d{4}$/.test(p) ? `${p}年度` : p || '—';
}

/** The current calendar period strings in Beijing time. */
export function currentPeriod(kind) {
  const parts = beijingParts(new Date());
  const y = parts.year;
  const m = Number(parts.month);
  if (kind === 'year') return y;
  if (kind === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  return `${y}-${String(m).padStart(2, '0')}`;
}

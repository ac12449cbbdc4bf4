// Times in the district's time zone (Asia/Shanghai), durations in Chinese.
export const TZ = 'Asia/Shanghai';

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const shortTime = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}

export function fmtShort(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : shortTime.format(d);
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

/** The current calendar period strings in Asia/Shanghai. */
export function currentPeriod(kind) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  const y = parts.year;
  const m = Number(parts.month);
  if (kind === 'year') return y;
  if (kind === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  return `${y}-${String(m).padStart(2, '0')}`;
}

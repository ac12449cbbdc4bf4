// 分析研判: GET /api/v1/analytics/summary?from=&to=&streetId= as plain tables and CSS bar charts.
// The summary's sections are drawn by their shape: {key: number} → bars, [{...}] → table,
// {key: {...}} → table with one row per key, number → a figure.
import { api } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtMaybeDuration, fmtNumber, fmtTime, fmtWeek } from '../format.js';
import { AREA_FALLBACK, DEADLINE_KIND, LEVELS, WHISTLE_STATUS, label } from '../labels.js';
import { field, loading, unavailable } from '../ui.js';

const SECTION_NAMES = {
  byArea: ['按呼叫领域', 'By area'],
  bySituation: ['按呼叫情形', 'By situation'],
  byLevel: ['按级别', 'By level'],
  byStatus: ['按状态', 'By status'],
  byStreet: ['按街道', 'By street'],
  perStreet: ['各街道吹哨数', 'Whistles per street'],
  whistlesPerStreet: ['各街道吹哨数', 'Whistles per street'],
  departments: ['部门响应时间', 'Department response times'],
  perDepartment: ['部门响应时间', 'Department response times'],
  responseTimes: ['部门响应时间', 'Department response times'],
  overdueRate: ['超时率', 'Overdue rate'],
  recurringLocations: ['高频重复地点', 'Top recurring locations'],
  topRecurringLocations: ['高频重复地点', 'Top recurring locations'],
  weeklyTrend: ['每周趋势', 'Weekly trend'],
  trend: ['每周趋势', 'Weekly trend'],
  total: ['哨件总数', 'Total whistles'],
  counts: ['计数', 'Counts'],
};

const COLUMN_NAMES = {
  departmentId: '部门', streetId: '街道', situationCode: '情形', area: '领域', level: '级别', status: '状态',
  count: '数量', n: '数量', total: '总数', week: '周', weekStart: '周起始', address: '地址', location: '地点',
  p50: 'P50', p90: 'P90', report: '报到', arrive: '到场', complete: '办结', overdueRate: '超时率', rate: '比率',
  name: '名称', kind: '类型',
};

export async function renderAnalytics(main, ctx) {
  const { catalog } = ctx;
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  const street = h('select', null, h('option', { value: '' }, '全部街道 All'), catalog.streets.map((s) => h('option', { value: s.id }, s.name)));
  const form = h(
    'form',
    { class: 'card', role: 'search' },
    h('div', { class: 'inline-fields three' }, field('开始日期', 'From', from).wrap, field('结束日期', 'To', to).wrap, field('街道', 'Street', street).wrap),
    h('button', { type: 'submit', class: 'btn primary' }, bi('查询', 'Show')),
  );
  const out = h('div');
  append(main, h('h1', null, bi('分析研判', 'Analytics')), form, out);

  /** A readable name for a key (department/street/situation id or code, level, status, area). */
  const nameOf = (k) => {
    if (k in LEVELS) return `${label(LEVELS, k)[0]}色`;
    if (k in WHISTLE_STATUS) return label(WHISTLE_STATUS, k)[0];
    if (k in AREA_FALLBACK) return catalog.area(k)?.name ?? label(AREA_FALLBACK, k)[0];
    if (k in DEADLINE_KIND) return label(DEADLINE_KIND, k)[0];
    if (/^\d{4}-W\d{2}$/.test(k)) return fmtWeek(k);
    return catalog.nameOf(k) ?? k;
  };

  const cell = (k, v) => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'string' && /Id$|Code$|^level$|^status$|^area$|^week$/.test(k)) return nameOf(v);
    if (typeof v === 'string' && /At$|^from$|^to$|Start$/.test(k)) return fmtTime(v);
    if (typeof v === 'number') return /rate$/i.test(k) && v <= 1 ? `${(v * 100).toFixed(1)}%` : fmtMaybeDuration(v, k);
    if (typeof v === 'object') return Object.entries(v).map(([a, b]) => `${COLUMN_NAMES[a] ?? a}: ${typeof b === 'number' ? fmtMaybeDuration(b, a) : b === null ? '—' : String(b)}`).join('  ');
    return String(v);
  };

  function bars(obj, keyName = '') {
    const entries = Object.entries(obj).filter(([, v]) => typeof v === 'number');
    const max = Math.max(1, ...entries.map(([, v]) => v));
    return h(
      'div',
      { class: 'bars' },
      entries.map(([k, v]) =>
        h('div', { class: 'bar' }, h('span', null, nameOf(k)), h('span', { class: 'track', 'aria-hidden': 'true' }, h('span', { class: `fill ${k}`, style: { width: `${(v / max) * 100}%`, display: 'block' } })), h('span', { class: 'val' }, keyName && /rate/i.test(keyName) && v <= 1 ? `${(v * 100).toFixed(1)}%` : fmtNumber(v))),
      ),
    );
  }

  function table(rows) {
    const cols = [...new Set(rows.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))];
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, COLUMN_NAMES[c] ?? c)))),
        h('tbody', null, rows.map((r) => h('tr', null, cols.map((c) => h('td', { class: typeof r[c] === 'number' ? 'num' : '' }, cell(c, r[c])))))),
      ),
    );
  }

  /** Bars from [{..., count}] rows: the label is the row's name, else its level/status/code/week/address. */
  function countBars(rows) {
    const entries = rows.map((r) => {
      const k = r.level ?? r.status ?? r.code ?? r.streetId ?? r.departmentId ?? r.week ?? r.address ?? '';
      return { key: String(k), text: r.name ?? nameOf(String(k)), n: r.count };
    });
    const max = Math.max(1, ...entries.map((e) => e.n));
    return h(
      'div',
      { class: 'bars' },
      entries.map((e) => h('div', { class: 'bar' }, h('span', null, e.text), h('span', { class: 'track', 'aria-hidden': 'true' }, h('span', { class: `fill ${e.key}`, style: { width: `${(e.n / max) * 100}%`, display: 'block' } })), h('span', { class: 'val' }, fmtNumber(e.n)))),
    );
  }

  /** p50 / p90 seconds as durations. */
  const pct = (p) => (p && p.n ? `${p.p50 === null ? '—' : fmtMaybeDuration(p.p50, 'seconds')} / ${p.p90 === null ? '—' : fmtMaybeDuration(p.p90, 'seconds')}` : '—');
  const percent = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

  function departmentTable(rows) {
    const active = rows.filter((r) => (r.assignments ?? 0) > 0).sort((a, b) => (b.assignments ?? 0) - (a.assignments ?? 0));
    if (!active.length) return h('p', { class: 'muted' }, '暂无派单 No assignments');
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'cards' },
        h(
          'thead',
          null,
          h('tr', null, h('th', { scope: 'col' }, '部门'), h('th', { scope: 'col', class: 'num' }, '派单'), h('th', { scope: 'col', class: 'num' }, '超时率'), h('th', { scope: 'col' }, '报到 P50/P90'), h('th', { scope: 'col' }, '到场 P50/P90'), h('th', { scope: 'col' }, '办结 P50/P90')),
        ),
        h(
          'tbody',
          null,
          active.map((r) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, r.name ?? nameOf(r.departmentId)),
              h('td', { class: 'num', 'data-label': '派单' }, String(r.assignments ?? 0)),
              h('td', { class: 'num', 'data-label': '超时率' }, `${percent(r.overdueRate)}（${r.overdue ?? 0}）`),
              h('td', { 'data-label': '报到 P50/P90' }, pct(r.report)),
              h('td', { 'data-label': '到场 P50/P90' }, pct(r.arrive)),
              h('td', { 'data-label': '办结 P50/P90' }, pct(r.complete)),
            ),
          ),
        ),
      ),
      rows.length > active.length ? h('p', { class: 'small muted' }, `另有 ${rows.length - active.length} 个部门本期无派单。`) : null,
    );
  }

  function section(key, value) {
    const [zh, en] = SECTION_NAMES[key] ?? [key, ''];
    const title = h('h2', null, bi(zh, en));
    if (key === 'departments' && Array.isArray(value)) return h('section', { class: 'card wide' }, title, departmentTable(value));
    if (key === 'overdueRate') return h('section', { class: 'card' }, title, h('p', { style: { fontSize: '2rem', fontWeight: 700, margin: 0 } }, percent(value)));
    if (Array.isArray(value) && value.length && value.every((r) => r && typeof r.count === 'number')) return h('section', { class: 'card' }, title, countBars(value));
    if (typeof value === 'number') return h('section', { class: 'card' }, title, h('p', { style: { fontSize: '2rem', fontWeight: 700, margin: 0 } }, /rate/i.test(key) && value <= 1 ? `${(value * 100).toFixed(1)}%` : fmtNumber(value)));
    if (Array.isArray(value)) {
      if (!value.length) return h('section', { class: 'card' }, title, h('p', { class: 'muted' }, '暂无数据 No data'));
      // a series of {label, count}: bars; anything richer: a table
      const keys = Object.keys(value[0] ?? {});
      const numKey = keys.find((k) => typeof value[0][k] === 'number');
      if (keys.length === 2 && numKey) {
        const labelKey = keys.find((k) => k !== numKey);
        return h('section', { class: 'card' }, title, bars(Object.fromEntries(value.map((r) => [String(r[labelKey]), r[numKey]]))));
      }
      return h('section', { class: 'card' }, title, table(value));
    }
    if (value && typeof value === 'object') {
      const vals = Object.values(value);
      if (vals.every((v) => typeof v === 'number')) return h('section', { class: 'card' }, title, bars(value, key));
      if (vals.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
        const nested = Object.entries(value).map(([k, v]) => ({ key: k, ...v }));
        const allNumbers = vals.every((v) => Object.values(v).every((x) => typeof x === 'number'));
        if (allNumbers && ['byArea', 'byLevel', 'byStatus', 'bySituation', 'counts'].includes(key)) {
          return h('section', { class: 'card' }, title, Object.entries(value).map(([k, v]) => [h('h3', null, (SECTION_NAMES[k] ?? [nameOf(k)])[0]), bars(v, k)]));
        }
        return h('section', { class: 'card' }, title, table(nested.map(({ key: k, ...rest }) => ({ key: nameOf(k), ...rest }))));
      }
      return h('section', { class: 'card' }, title, table([value]));
    }
    return h('section', { class: 'card' }, title, h('p', null, String(value)));
  }

  async function load() {
    clear(out).append(loading());
    const q = { streetId: street.value };
    // dates are days in the district's time zone
    if (from.value) q.from = new Date(`${from.value}T00:00:00+08:00`).toISOString();
    if (to.value) q.to = new Date(`${to.value}T23:59:59.999+08:00`).toISOString();
    try {
      const summary = await api('/api/v1/analytics/summary', { query: q });
      if (!ctx.isCurrent()) return;
      const skip = new Set(['from', 'to', 'streetId', 'generatedAt', 'asOf', 'timeZone']);
      const sections = Object.entries(summary ?? {}).filter(([k]) => !skip.has(k));
      clear(out).append(
        h('p', { class: 'small muted' }, `${fmtTime(summary.from)} 至 ${fmtTime(summary.to)}（北京时间）`),
        h('div', { class: 'grid2' }, sections.map(([k, v]) => section(k, v))),
      );
    } catch (err) {
      clear(out).append(unavailable(err, ['分析研判', 'Analytics']));
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  await load();
}

// 公示公开 (/public): the public board, no sign-in — GET /api/v1/public/board every 30 s without
// reloading the page (the browser revalidates with the ETag). Phone first; a wall-screen layout
// from 1,900 px (css/public.css). Everything shown is the anonymised public view.
import { bi, clear, h } from './dom.js';
import { fmtTime } from './format.js';
import { LEVEL_CODES, LEVELS, label } from './labels.js';
import { levelBadge, statusBadge } from './ui.js';

const REFRESH_MS = 30000;
const PROGRESS = {
  DONE: ['已办结', 'Done', 'done'],
  IN_PROGRESS: ['办理中', 'In progress', 'work'],
  LATE: ['已超时', 'Late', 'late'],
  WITHDRAWN: ['已撤回', 'Withdrawn', 'off'],
};
const RATES = [
  ['responseRate', '响应率', 'Response'],
  ['onTimeRate', '按时办结率', 'On time'],
  ['satisfactionRate', '满意率', 'Satisfaction'],
];

async function fetchBoard() {
  // 'no-cache': revalidate every time; a 304 costs the server almost nothing
  const res = await fetch('/api/v1/public/board', { headers: { accept: 'application/json' }, cache: 'no-cache' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

const pct = (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`);

function levelTiles(counts) {
  return h(
    'section',
    { class: 'card levels', 'aria-labelledby': 'p-lv' },
    h('h2', { id: 'p-lv' }, bi('未结哨件（红黄蓝）', 'Open whistles by level')),
    h(
      'div',
      { class: 'board-tiles', role: 'list' },
      LEVEL_CODES.map((l) =>
        h('div', { class: `tile ${l}`, role: 'listitem', 'data-testid': `level-${l}` }, h('span', { class: 'n' }, String(counts.byLevel?.[l] ?? 0)), `${label(LEVELS, l)[0]}色`, h('span', { class: 'en' }, label(LEVELS, l)[1])),
      ),
    ),
  );
}

function bar(c) {
  const total = c.done + c.inProgress + c.late;
  const part = (n, cls) => (n > 0 ? h('span', { class: cls, style: { width: `${(100 * n) / total}%` } }) : null);
  return h('div', { class: 'bar', role: 'img', 'aria-label': `绿 ${c.done} 黄 ${c.inProgress} 红 ${c.late}` }, total ? [part(c.done, 'done'), part(c.inProgress, 'work'), part(c.late, 'late')] : null);
}

function counts(c) {
  return h('span', { class: 'counts' }, h('span', { class: 'g' }, `绿 ${c.done}`), ' · ', h('span', { class: 'y' }, `黄 ${c.inProgress}`), ' · ', h('span', { class: 'r' }, `红 ${c.late}`));
}

function progressCard(progress) {
  const t = progress.totals;
  return h(
    'section',
    { class: 'card progress', 'aria-labelledby': 'p-pg' },
    h('h2', { id: 'p-pg' }, bi(`近 ${progress.days} 天办理进度`, `Progress, last ${progress.days} days`)),
    h(
      'div',
      { class: 'prog-totals' },
      h('div', { class: 'prog-total done', 'data-testid': 'progress-done' }, h('span', { class: 'n' }, String(t.done)), bi('绿·已办结', 'Done')),
      h('div', { class: 'prog-total work', 'data-testid': 'progress-work' }, h('span', { class: 'n' }, String(t.inProgress)), bi('黄·办理中', 'In progress')),
      h('div', { class: 'prog-total late', 'data-testid': 'progress-late' }, h('span', { class: 'n' }, String(t.late)), bi('红·已超时', 'Late')),
    ),
    h(
      'ul',
      { class: 'street-list' },
      progress.streets.map((s) =>
        h(
          'li',
          { 'data-testid': 'street' },
          h('div', { class: 'street-head' }, h('span', null, s.name, h('span', { class: 'en' }, s.nameEn)), counts(s)),
          bar(s),
          s.communities.length
            ? h('ul', { class: 'communities' }, s.communities.map((c) => h('li', null, h('span', { class: 'nm' }, c.name), counts(c))))
            : null,
        ),
      ),
    ),
  );
}

function spark(values) {
  const pts = values.filter((v) => v !== null && v !== undefined);
  if (pts.length < 2) return null;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 64 18');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', pts.map((v, i) => `${(64 * i) / (pts.length - 1)},${17 - (16 * v) / 100}`).join(' '));
  svg.append(line);
  return svg;
}

function rateCell(d, key, zh, en) {
  const trend = (d.trend ?? []).map((t) => t[key]);
  const prev = trend.length >= 2 ? trend[trend.length - 2] : null;
  const now = d[key];
  let arrow = null;
  if (prev !== null && prev !== undefined && now !== null && now !== undefined && now !== prev) {
    const up = now > prev;
    arrow = h('span', { class: up ? 'up' : 'down', title: `上期 ${pct(prev)}` }, `${up ? '↑' : '↓'}${Math.abs(now - prev).toFixed(1)}`);
  }
  return h(
    'div',
    { class: 'rate' },
    h('span', { class: 'lbl' }, zh, h('span', { class: 'en' }, en)),
    h('span', { class: `v${now === null || now === undefined ? ' none' : ''}` }, pct(now)),
    h('span', { class: 'trend' }, spark(trend), arrow),
  );
}

function departmentsCard(pub) {
  const head = h('h2', { id: 'p-dp' }, bi(pub?.period ? `各部门三率（${pub.period}）` : '各部门三率', pub?.period ? `Departments’ rates, ${pub.period}` : 'Departments’ rates'));
  if (!pub) return h('section', { class: 'card departments', 'aria-labelledby': 'p-dp' }, head, h('p', { class: 'notice warn' }, bi('考核数据暂不可用。', 'The assessment figures are unavailable right now.')));
  if (!pub.period) return h('section', { class: 'card departments', 'aria-labelledby': 'p-dp' }, head, h('p', { class: 'notice' }, bi('尚无已关闭的考核月份。', 'No month has been closed yet.')));
  const rows = [...pub.departments].sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || a.name.localeCompare(b.name, 'zh-CN'));
  return h(
    'section',
    { class: 'card departments', 'aria-labelledby': 'p-dp' },
    head,
    h('p', { class: 'small muted' }, `考核期已于 ${fmtTime(pub.closedAt)} 关闭；趋势为最近 ${rows[0]?.trend?.length ?? 0} 个已关闭月份。`, h('span', { class: 'en' }, 'Closed period; the trend covers the last closed months.')),
    h(
      'ul',
      { class: 'dept-list' },
      h('li', { class: 'dept dept-head', 'aria-hidden': 'true' }, h('span', null, '部门'), RATES.map(([, zh, en]) => h('span', null, zh, h('span', { class: 'en' }, en)))),
      rows.map((d) => h('li', { class: 'dept', 'data-testid': 'department' }, h('span', { class: 'nm' }, d.name), RATES.map(([key, zh, en]) => rateCell(d, key, zh, en)))),
    ),
  );
}

function recentCard(recent) {
  return h(
    'section',
    { class: 'card recent-card', 'aria-labelledby': 'p-rc' },
    h('h2', { id: 'p-rc' }, bi('最近哨件', 'Recent whistles')),
    recent.length
      ? h(
          'ul',
          { class: 'recent' },
          recent.map((w) => {
            const [zh, en, cls] = PROGRESS[w.progress] ?? PROGRESS.IN_PROGRESS;
            return h(
              'li',
              { class: `prog-${cls}`, 'data-testid': 'recent' },
              h('div', { class: 'row' }, levelBadge(w.level), statusBadge(w.status), h('span', { class: `pill ${cls}` }, zh, h('span', { class: 'en' }, en))),
              h('div', { class: 't' }, w.situation.name),
              h('div', { class: 'meta' }, h('span', null, [w.street.name, w.community?.name].filter(Boolean).join(' · ')), h('span', null, `吹哨 ${fmtTime(w.createdAt)}`)),
            );
          }),
        )
      : h('p', { class: 'notice good' }, bi('暂无公开哨件。', 'No public whistles yet.')),
  );
}

function paint(main, board) {
  clear(main).append(
    h('h1', { class: 'visually-hidden' }, bi('公示公开', 'Public board')),
    h('div', { class: 'pub-grid' }, levelTiles(board.counts ?? {}), progressCard(board.progress), departmentsCard(board.departments), recentCard(board.recent ?? [])),
  );
}

async function start() {
  const main = document.getElementById('main');
  const stamp = document.getElementById('stamp');
  let painted = false;
  let loads = 0;
  const load = async () => {
    try {
      const board = await fetchBoard();
      paint(main, board);
      painted = true;
      // how many times the figures were painted (the stamp shows minutes: two loads may read the same)
      stamp.dataset.loads = String(++loads);
      stamp.textContent = `更新于 ${fmtTime(board.generatedAt)} · 每 30 秒刷新`;
      stamp.classList.remove('stale');
    } catch {
      // keep the last figures on screen (a wall screen must not go blank); say they are stale
      if (!painted) clear(main).append(h('p', { class: 'notice bad' }, bi('暂时无法加载公示数据，稍后自动重试。', 'The board cannot be loaded right now; retrying.')));
      stamp.textContent = '连接中断，稍后自动重试… / Reconnecting…';
      stamp.classList.add('stale');
    }
    setTimeout(() => void load(), REFRESH_MS);
  };
  await load();
}

void start();

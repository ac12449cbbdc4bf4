// 红黄蓝看板 (command center): GET /api/v1/board every 10 s — open whistles by level and status,
// and the whistles whose next deadline is nearest (overdue first). Big-screen friendly.
import { api } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { DEADLINE_KIND, LEVELS, LEVEL_CODES, WHISTLE_STATUS, label } from '../labels.js';
import { countdown, levelBadge, loading, statusBadge, unavailable } from '../ui.js';

const REFRESH_MS = 10000;

export async function renderBoard(main, ctx) {
  const { catalog } = ctx;
  main.classList.add('bigscreen');
  ctx.onCleanup(() => main.classList.remove('bigscreen'));
  const stamp = h('span', { class: 'small muted', 'aria-live': 'off' });
  const body = h('div', null, loading());
  append(main, h('div', { class: 'row spread' }, h('h1', null, bi('红黄蓝看板', 'Red / yellow / blue board')), stamp), body);

  let timer = null;
  ctx.onCleanup(() => clearTimeout(timer));
  async function load() {
    clearTimeout(timer);
    try {
      const board = await api('/api/v1/board');
      if (!ctx.isCurrent()) return;
      paint(board);
      stamp.textContent = `更新于 ${fmtTime(board.generatedAt ?? new Date().toISOString())} · 每 10 秒自动刷新`;
    } catch (err) {
      if (!ctx.isCurrent()) return;
      clear(body).append(unavailable(err, ['红黄蓝看板', 'Board']));
    }
    timer = setTimeout(() => void load(), REFRESH_MS);
  }

  function paint(board) {
    const counts = board.counts ?? {};
    const byLevel = counts.byLevel ?? {};
    const byStatus = counts.byStatus ?? {};
    const tiles = h(
      'div',
      { class: 'board-tiles', role: 'list', 'aria-label': '未结哨件按级别 Open whistles by level' },
      LEVEL_CODES.map((l) => h('div', { class: `tile ${l}`, role: 'listitem' }, h('span', { class: 'n' }, String(byLevel[l] ?? 0)), `${label(LEVELS, l)[0]}色`, h('span', { class: 'en' }, label(LEVELS, l)[1]))),
    );
    const overdue =
      typeof counts.overdue === 'number'
        ? h('p', { class: `notice ${counts.overdue > 0 ? 'bad' : 'good'}`, 'data-testid': 'board-overdue' }, h('strong', { style: { fontSize: '1.3rem' } }, String(counts.overdue)), ' ', bi('件未结哨件已超时', 'open whistles overdue'))
        : null;
    const statuses = h(
      'div',
      { class: 'status-tiles' },
      Object.keys(WHISTLE_STATUS).map((s) => h('div', { class: 'stt' }, h('span', { class: 'n' }, String(byStatus[s] ?? 0)), bi(...label(WHISTLE_STATUS, s)))),
    );
    const nearest = board.nearest ?? board.items ?? [];
    const list = nearest.length
      ? h(
          'ul',
          { class: 'list' },
          nearest.map((w) => {
            const id = w.whistleId ?? w.id;
            const p = w.overdue ? 'late' : 'work';
            const [kzh] = label(DEADLINE_KIND, w.kind ?? '');
            return h(
              'li',
              { class: `item prog-${p}` },
              h('div', { class: 'row' }, levelBadge(w.level), statusBadge(w.status), w.overdue ? h('span', { class: 'pill late' }, bi('已超时', 'Overdue')) : null),
              h('a', { class: 'title', href: `#/whistles/${id}` }, w.title ?? id),
              h('div', { class: 'meta' }, h('span', null, catalog.street(w.streetId)?.name ?? ''), h('span', null, `${w.kind ? `${kzh}时限 ` : '时限 '}${fmtTime(w.nextDeadline)}`), countdown(w.nextDeadline)),
            );
          }),
        )
      : h('p', { class: 'notice good' }, bi('没有待办时限。', 'No open deadlines.'));
    clear(body).append(
      h('section', { class: 'card', 'aria-labelledby': 'b-lv' }, h('h2', { id: 'b-lv' }, bi('未结哨件', 'Open whistles')), tiles, overdue ?? ''),
      h('section', { 'aria-labelledby': 'b-nx', class: 'board-nearest' }, h('h2', { id: 'b-nx' }, bi('最近到期', 'Nearest deadlines')), list),
      h('section', { class: 'card', 'aria-labelledby': 'b-st', style: { marginTop: '12px' } }, h('h2', { id: 'b-st' }, bi('按状态', 'By status')), statuses),
    );
  }
  await load();
}

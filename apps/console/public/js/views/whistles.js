// 哨件列表: GET /api/v1/whistles with status/level (and for the district: street) filters and a
// cursor "load more" that fetches the next page and disappears at the end. Filters live in the URL.
import { api } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { LEVELS, LEVEL_CODES, WHISTLE_STATUS, label } from '../labels.js';
import { countdown, field, levelBadge, loading, statusBadge, toastError, unavailable } from '../ui.js';
import { keepInHash } from '../url-state.js';

export function whistleItem(w, catalog, forStreet = false) {
  const situation = catalog.situation(w.situationCode);
  const next = w.deadlines ? [w.deadlines.reportBy, w.deadlines.arriveBy, w.deadlines.completeBy].filter(Boolean).sort()[0] : (w.nextDeadline ?? null);
  const open = !['RESOLVED', 'WITHDRAWN', 'COMPLETED'].includes(w.status);
  return h(
    'li',
    // the whole card is the link's target (.tap: the title link stretches over the card)
    { class: 'item tap', dataset: { whistleId: w.id } },
    h(
      'div',
      { class: 'row' },
      levelBadge(w.level),
      statusBadge(w.status),
      w.status === 'COMPLETED' && forStreet ? h('span', { class: 'pill work' }, bi('待您确认', 'Awaiting your confirmation')) : null,
      w.escalations ? h('span', { class: 'pill late' }, bi(`催办 ${w.escalations}`, 'escalated')) : null,
    ),
    h('a', { class: 'title', href: `#/whistles/${w.id}` }, w.title ?? w.id),
    h(
      'div',
      { class: 'meta' },
      situation ? h('span', null, situation.name) : null,
      w.streetId ? h('span', null, catalog.street(w.streetId)?.name ?? '') : null,
      w.location?.address ? h('span', null, w.location.address) : null,
      h('span', null, fmtTime(w.createdAt)),
    ),
    next && open ? h('div', { class: 'deadline-row' }, h('span', null, '下一时限'), h('span', null, fmtTime(next)), countdown(next)) : null,
  );
}

export async function renderWhistleList(main, ctx) {
  const { catalog, session } = ctx;
  const status = h('select', { name: 'status' }, h('option', { value: '' }, '全部状态 All'), Object.entries(WHISTLE_STATUS).map(([k, [zh, en]]) => h('option', { value: k }, `${zh} ${en}`)));
  const level = h('select', { name: 'level' }, h('option', { value: '' }, '全部级别 All'), LEVEL_CODES.map((l) => h('option', { value: l }, `${label(LEVELS, l)[0]}色 ${label(LEVELS, l)[1]}`)));
  const street = h('select', { name: 'streetId' }, h('option', { value: '' }, '全部街道 All'), catalog.streets.map((s) => h('option', { value: s.id }, s.name)));
  const district = ['command-center', 'assessment-office', 'admin'].includes(session.role);
  const filters = h(
    'form',
    { class: 'card', role: 'search', 'aria-label': '筛选 Filters' },
    h('div', { class: `inline-fields ${district ? 'three' : ''}` }, field('状态', 'Status', status).wrap, field('级别', 'Level', level).wrap, district ? field('街道', 'Street', street).wrap : null),
  );
  const list = h('ul', { class: 'list' });
  const count = h('p', { class: 'small muted', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn block', hidden: true }, bi('加载更多', 'Load more'));
  const info = h('div');
  append(main, 
    h('div', { class: 'row spread' }, h('h1', null, bi(session.role === 'street' ? '我的哨件' : '哨件', session.role === 'street' ? 'My whistles' : 'Whistles')), session.role === 'street' ? h('a', { class: 'btn primary', href: '#/blow' }, bi('＋ 吹哨', 'Blow')) : null),
    filters,
    count,
    info,
    list,
    more,
  );

  let cursor = null;
  let seq = 0;
  async function fetchPage(reset) {
    const mine = ++seq;
    if (reset) {
      cursor = null;
      clear(list);
      clear(info).append(loading());
    }
    if (!reset && !cursor) return; // nothing more: never load page 1 again
    more.disabled = true;
    try {
      const page = await api('/api/v1/whistles', { query: { status: status.value, level: level.value, streetId: district ? street.value : '', cursor, limit: 20 } });
      if (mine !== seq || !ctx.isCurrent()) return;
      clear(info);
      const items = page.items ?? [];
      for (const w of items) list.append(whistleItem(w, catalog, session.role === 'street'));
      cursor = page.nextCursor ?? null;
      more.hidden = !cursor || items.length === 0;
      const n = list.children.length;
      count.textContent = n ? `已显示 ${n} 件${cursor ? '，还有更多' : '，已全部显示'}` : '';
      if (reset && items.length === 0) info.append(h('p', { class: 'notice' }, bi('没有符合条件的哨件。', 'No whistles match.')));
    } catch (err) {
      if (mine !== seq) return;
      if (reset) clear(info).append(unavailable(err, ['哨件列表', 'Whistle list']));
      else toastError(err);
    } finally {
      more.disabled = false;
    }
  }
  keepInHash(district ? { status, level, streetId: street } : { status, level }, () => void fetchPage(true));
  filters.addEventListener('submit', (e) => e.preventDefault());
  more.addEventListener('click', () => void fetchPage(false));
  await fetchPage(true);
}

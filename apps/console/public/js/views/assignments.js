// 我的派单 (department): GET /api/v1/assignments?status= with live deadline countdowns and the
// report / arrive / progress / dispute / complete actions.
import { api } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { ASSIGNMENT_STATUS } from '../labels.js';
import { field, levelBadge, loading, unavailable } from '../ui.js';
import { keepInHash } from '../url-state.js';
import { assignmentActions, assignmentCard, disputeForm, progressOf } from './assignment-parts.js';

const ORDER = { late: 0, work: 1, done: 2, off: 3 };

/** 退单裁决 (command center): the disputed assignments, each with its ruling form. */
export function renderDisputes(main, ctx) {
  return renderAssignments(main, ctx, { status: 'DISPUTED', title: ['退单裁决', 'Disputes'] });
}

export async function renderAssignments(main, ctx, preset = {}) {
  const { catalog, session } = ctx;
  const status = h('select', { name: 'status' }, h('option', { value: '' }, '全部状态 All'), Object.entries(ASSIGNMENT_STATUS).map(([k, [zh, en]]) => h('option', { value: k }, `${zh} ${en}`)));
  if (preset.status) status.value = preset.status;
  const isCenter = session.role === 'command-center' || session.role === 'admin';
  const dept = session.role === 'department' ? catalog.department(session.org) : null;
  const list = h('ul', { class: 'list' });
  const info = h('div');
  const counts = h('p', { class: 'row' });
  append(
    main,
    h('h1', null, bi(...(preset.title ?? (session.role === 'department' ? ['我的派单', 'My assignments'] : ['派单', 'Assignments'])))),
    dept ? h('p', { class: 'muted' }, dept.name) : null,
    h('form', { class: 'card', role: 'search', onsubmit: (e) => e.preventDefault() }, field('状态', 'Status', status).wrap),
    counts,
    info,
    list,
  );

  let timer = null;
  ctx.onCleanup(() => clearTimeout(timer));
  async function load() {
    clearTimeout(timer);
    try {
      const page = await api('/api/v1/assignments', { query: { status: status.value } });
      if (!ctx.isCurrent()) return;
      const items = [...(page.items ?? page ?? [])];
      items.sort((a, b) => ORDER[progressOf(a)] - ORDER[progressOf(b)] || String(a.deadlines?.completeBy ?? '').localeCompare(String(b.deadlines?.completeBy ?? '')));
      clear(info);
      clear(list);
      const tally = { late: 0, work: 0, done: 0 };
      for (const a of items) {
        const p = progressOf(a);
        if (p in tally) tally[p] += 1;
        const w = a.whistle ?? {};
        // the card's head is one big link to the whistle (.tap); the actions below stay buttons
        const title = h(
          'div',
          { class: 'tap' },
          h('div', { class: 'row' }, levelBadge(a.level ?? null), w.situationCode ? h('span', { class: 'muted small' }, catalog.situation(w.situationCode)?.name ?? '') : null),
          h('a', { class: 'title', href: `#/whistles/${a.whistleId ?? w.id}` }, w.title ?? catalog.situation(w.situationCode)?.name ?? '哨件 Whistle'),
          h('div', { class: 'meta' }, w.streetId ? h('span', null, catalog.street(w.streetId)?.name ?? '') : null, w.location?.address ? h('span', null, w.location.address) : null),
          a.disputeNote ? h('p', { class: 'small notice warn' }, bi(`退单理由：${a.disputeNote}`, 'Dispute reason')) : null,
        );
        const extra = session.role === 'department' ? assignmentActions(a, () => void load()) : isCenter && a.status === 'DISPUTED' ? disputeForm(a, catalog, () => void load()) : null;
        const card = assignmentCard(a, catalog, { extra });
        card.prepend(title);
        list.append(card);
      }
      clear(counts).append(
        h('span', { class: 'pill late' }, `超时 ${tally.late}`),
        h('span', { class: 'pill work' }, `办理中 ${tally.work}`),
        h('span', { class: 'pill done' }, `已完成 ${tally.done}`),
      );
      if (!items.length) info.append(h('p', { class: 'notice' }, preset.status === 'DISPUTED' ? bi('没有待裁决的退单。', 'No disputes to settle.') : bi('暂无派单。', 'No assignments.')));
      // refresh quietly unless the user is typing in an action form
      timer = setTimeout(function again() {
        if (list.querySelector('form')) timer = setTimeout(again, 15000);
        else void load();
      }, 30000);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      clear(list);
      clear(info).append(unavailable(err, ['派单列表', 'Assignments']));
    }
  }
  if (!preset.status) keepInHash({ status }, () => void load());
  info.append(loading());
  await load();
}

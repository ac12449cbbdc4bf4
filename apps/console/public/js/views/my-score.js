// 我的考核 (department): its own scorecard row with every lost point explained (contract §11),
// and an appeal (考核申诉) on each lost point: POST /api/v1/assessment/appeals.
import { api, ApiError } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { explanationItem } from '../explanations.js';
import { fmtNumber, fmtPeriod, fmtTime } from '../format.js';
import { clearErrors, field, gradeBadge, loading, periodPicker, showFieldErrors, toastError, toastOk, unavailable } from '../ui.js';

/** The appeal target of a lost point (contract §11), or null when it cannot be appealed. */
export function appealTarget(x) {
  if (x.restoredOnAppeal || x.pointsLost <= 0) return null;
  if (x.component === 'completion' && (x.kind === 'LATE' || x.kind === 'MISSED') && x.assignmentId) return { assignmentId: x.assignmentId, kind: 'DEADLINE' };
  if (x.component === 'satisfaction' && x.feedbackId) return { feedbackId: x.feedbackId, kind: 'SATISFACTION' };
  if (x.component === 'perception' && x.ratingId) return { ratingId: x.ratingId, kind: 'RATING', ...(Number.isInteger(x.deductionIndex) ? { deductionIndex: x.deductionIndex } : {}) };
  return null;
}

/** The same key for a target however its fields are ordered. */
const targetKey = (t) => `${t.kind}:${t.assignmentId ?? t.feedbackId ?? t.ratingId}:${t.deductionIndex ?? ''}`;

function appealForm(period, target, onDone) {
  const reason = h('textarea', { rows: 3, maxlength: 2000, required: true });
  const evidence = h('textarea', { rows: 2, placeholder: 'https://…（每行一个链接 one link per line）' });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, bi('提交申诉', 'File appeal'));
  const form = h(
    'form',
    { class: 'card appeal-form', novalidate: true, 'aria-label': '考核申诉 Appeal' },
    field('申诉理由（至少 5 字）', 'Reason (≥ 5 chars)', reason, { required: true, name: 'reason' }).wrap,
    field('证据链接', 'Evidence links', evidence, { name: 'evidence' }).wrap,
    h('div', { class: 'form-errors field-error', role: 'alert' }),
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const links = evidence.value.split(/\s+/).map((s) => s.trim()).filter(Boolean);
      const appeal = await api('/api/v1/assessment/appeals', { method: 'POST', body: { period, target, reason: reason.value, evidence: links } });
      toastOk('申诉已提交，等待考核办裁决', 'Appeal filed');
      onDone(appeal);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors.map((x) => ({ ...x, field: String(x.field).replace(/^evidence\.\d+$/, 'evidence') })));
      else toastError(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function lostPoint(x, period, pending, catalog) {
  const li = explanationItem(x, catalog);
  const target = appealTarget(x);
  if (!target) return li;
  const key = targetKey(target);
  if (pending.has(key)) {
    li.append(' ', h('span', { class: 'badge' }, bi('申诉处理中', 'Appeal pending')));
    return li;
  }
  const button = h('button', { type: 'button', class: 'btn', 'data-testid': 'appeal-button' }, bi('申诉', 'Appeal'));
  button.addEventListener('click', () => {
    button.hidden = true;
    li.append(
      appealForm(period, target, () => {
        pending.add(key);
        li.replaceWith(lostPoint(x, period, pending, catalog));
      }),
    );
  });
  li.append(' ', button);
  return li;
}

export async function renderMyScore(main, ctx) {
  const { catalog, session } = ctx;
  const period = periodPicker('quarter');
  const show = h('button', { type: 'submit', class: 'btn primary' }, bi('查询', 'Show'));
  const controls = h('form', { class: 'card', 'aria-label': '考核查询 Scorecard query' }, h('div', { class: 'field' }, h('span', { class: 'label' }, bi('考核周期', 'Period')), period.el), h('div', { class: 'actions' }, show));
  const out = h('div');
  const name = catalog.department(session.org)?.name ?? session.org;
  append(main, h('h1', null, bi('我的考核', 'My score')), h('p', { class: 'muted small' }, `${name} · 完成率 · 满意度 · 感知度`), controls, out);

  async function load() {
    clear(out).append(loading());
    const p = period.value();
    try {
      const [card, appeals] = await Promise.all([
        api('/api/v1/assessment/scorecards', { query: { period: p } }),
        api('/api/v1/assessment/appeals', { query: { period: p, status: 'PENDING' } }).catch(() => ({ items: [] })),
      ]);
      if (!ctx.isCurrent()) return;
      const pending = new Set((appeals.items ?? []).map((a) => targetKey(a.target)));
      paint(card, p, pending);
    } catch (err) {
      clear(out).append(unavailable(err, ['我的考核', 'My score']));
    }
  }

  function paint(card, p, pending) {
    const row = (card.rows ?? [])[0];
    if (!row) {
      clear(out).append(h('p', { class: 'notice' }, bi('该周期暂无数据。', 'No data for this period.')));
      return;
    }
    const c = row.completion ?? {};
    const rank = row.insufficientSample ? '样本不足' : row.rank ?? '—';
    const stats = h(
      'dl',
      { class: 'card stats', 'data-testid': 'my-score' },
      h('dt', null, bi('总分', 'Total')), h('dd', null, h('strong', null, row.total === null ? '—' : fmtNumber(row.total)), ' ', gradeBadge(row.grade)),
      h('dt', null, bi('名次', 'Rank')), h('dd', null, String(rank)),
      h('dt', null, bi('完成率', 'Completion')), h('dd', null, `${fmtNumber(c.score)}（计入 ${c.counted ?? 0}，按时 ${c.onTime ?? 0}，逾期 ${c.late ?? 0}，超期未办 ${c.missed ?? 0}，不计入 ${c.excluded ?? 0}）`),
      h('dt', null, bi('满意度', 'Satisfaction')), h('dd', null, `${fmtNumber(row.satisfaction?.score)}（${row.satisfaction?.responses ?? 0} 条）`),
      h('dt', null, bi('感知度', 'Perception')), h('dd', null, `${fmtNumber(row.perception?.score)}（${row.perception?.ratings ?? 0} 条）`),
    );
    const expl = row.explanations ?? [];
    clear(out).append(
      h('p', { class: 'small muted' }, `${fmtPeriod(card.period)} · 评分办法第 ${card.policyVersion} 版 · 截至 ${fmtTime(card.asOf)}${card.closedAt ? ` · 已于 ${fmtTime(card.closedAt)} 关闭` : ''}${card.version ? ` · 第 ${card.version} 版` : ''}`),
      stats,
      h('h2', null, bi('失分说明', 'Lost points')),
      expl.length ? h('ul', { class: 'card lost-points' }, expl.map((x) => lostPoint(x, p, pending, catalog))) : h('p', { class: 'notice ok' }, bi('无失分', 'No points lost')),
    );
  }

  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  await load();
}

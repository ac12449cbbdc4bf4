// 申诉处理 (assessment office): the appeal queue — each pending appeal with its lost point, reason
// and evidence links, decided UPHOLD / REJECT with a reason (POST …/appeals/{id}/decision).
import { api, ApiError } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtPeriod, fmtTime } from '../format.js';
import { clearErrors, confirmDialog, field, loading, periodPicker, reasonProblem, showFieldErrors, techDetails, toastError, toastOk, unavailable } from '../ui.js';

const KINDS = { DEADLINE: ['办结时限', 'Deadline'], SATISFACTION: ['群众评价', 'Satisfaction'], RATING: ['街道扣分', 'Street rating'] };
const STATUS = { PENDING: ['待裁决', 'Pending'], UPHELD: ['成立', 'Upheld'], REJECTED: ['驳回', 'Rejected'] };

function targetText(t) {
  const [zh] = KINDS[t.kind] ?? ['失分', ''];
  return `${zh}${Number.isInteger(t.deductionIndex) ? `（第 ${t.deductionIndex + 1} 项扣分）` : ''}`;
}

function decisionForm(appeal, onDone) {
  const reason = h('textarea', { rows: 2, maxlength: 2000, required: true });
  const uphold = h('button', { type: 'submit', class: 'btn primary', value: 'UPHOLD' }, bi('申诉成立', 'Uphold'));
  const reject = h('button', { type: 'submit', class: 'btn danger', value: 'REJECT' }, bi('驳回', 'Reject'));
  const form = h('form', { novalidate: true, 'aria-label': '裁决 Decision' }, field('裁决理由（至少 5 字）', 'Reason (≥ 5 chars)', reason, { required: true, name: 'reason' }).wrap, h('div', { class: 'form-errors field-error', role: 'alert' }), h('div', { class: 'actions' }, uphold, reject));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const decision = e.submitter?.value === 'REJECT' ? 'REJECT' : 'UPHOLD';
    const problem = reasonProblem(reason.value);
    if (problem) return void showFieldErrors(form, [{ field: 'reason', message: problem }]);
    const what = decision === 'UPHOLD' ? '申诉成立（失分恢复，考核表生成修订版）' : '驳回申诉';
    if (!(await confirmDialog(`确定${what}？裁决后不能撤销。`, 'Decide this appeal? It cannot be undone.', decision === 'UPHOLD' ? ['申诉成立', 'Uphold'] : ['驳回', 'Reject'], decision === 'UPHOLD' ? 'primary' : 'danger'))) return;
    uphold.disabled = reject.disabled = true;
    try {
      const r = await api(`/api/v1/assessment/appeals/${appeal.id}/decision`, { method: 'POST', body: { decision, reason: reason.value } });
      const amended = (r.amendedVersions ?? []).map((v) => `${fmtPeriod(v.period)}第 ${v.version} 版`).join('、');
      toastOk(decision === 'UPHOLD' ? `申诉成立，失分已恢复${amended ? `（已生成修订版考核表：${amended}）` : ''}` : '申诉已驳回', decision === 'UPHOLD' ? 'Upheld' : 'Rejected');
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
      else toastError(err);
    } finally {
      uphold.disabled = reject.disabled = false;
    }
  });
  return form;
}

export async function renderAppeals(main, ctx) {
  const { catalog, session } = ctx;
  const period = periodPicker('quarter');
  const status = h('select', { 'aria-label': '状态 Status' }, h('option', { value: 'PENDING' }, '待裁决 Pending'), h('option', { value: '' }, '全部 All'), h('option', { value: 'UPHELD' }, '成立 Upheld'), h('option', { value: 'REJECTED' }, '驳回 Rejected'));
  status.style.width = 'auto';
  const controls = h(
    'form',
    { class: 'card', 'aria-label': '申诉查询 Appeal query' },
    h('div', { class: 'field' }, h('span', { class: 'label' }, bi('考核周期', 'Period')), period.el),
    h('div', { class: 'field' }, h('label', { for: (status.id = 'appeal-status') }, bi('状态', 'Status')), status),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, bi('查询', 'Show'))),
  );
  const out = h('div');
  append(main, h('h1', null, bi('申诉处理', 'Appeals')), h('p', { class: 'muted small' }, bi('部门对失分的申诉；成立后该失分恢复，已关闭的考核期生成修订版考核表。', 'Upheld appeals restore the point; a closed period gets an amended scorecard version.')), controls, out);

  async function load() {
    clear(out).append(loading());
    try {
      const r = await api('/api/v1/assessment/appeals', { query: { period: period.value(), status: status.value } });
      if (!ctx.isCurrent()) return;
      const items = r.items ?? [];
      clear(out).append(
        items.length
          ? h(
              'ul',
              { class: 'list', 'data-testid': 'appeal-queue' },
              items.map((a) =>
                h(
                  'li',
                  { class: 'card' },
                  h('div', { class: 'row spread' }, h('strong', null, catalog.department(a.departmentId)?.name ?? a.departmentId), h('span', { class: 'badge' }, bi(...(STATUS[a.status] ?? [a.status, ''])))),
                  h('p', { class: 'small' }, `${fmtPeriod(a.period)} · ${targetText(a.target)} · 提交于 ${fmtTime(a.filedAt)}`),
                  h('p', null, bi('理由：', 'Reason: '), a.reason),
                  (a.evidence ?? []).length ? h('p', null, bi('证据：', 'Evidence: '), a.evidence.map((url, i) => [i ? '、' : '', h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, `链接 ${i + 1}`)])) : null,
                  a.decision ? h('p', { class: 'small muted' }, `裁决：${STATUS[a.status]?.[0] ?? a.status}，${a.decision.reason}（${fmtTime(a.decision.decidedAt)}）`) : null,
                  !a.decision && session.role === 'assessment-office' ? decisionForm(a, () => void load()) : null,
                  techDetails([
                    ['申诉编号 Appeal', a.id],
                    ['派单编号 Assignment', a.target?.assignmentId],
                    ['评价编号 Feedback', a.target?.feedbackId],
                    ['街道评价编号 Rating', a.target?.ratingId],
                  ]),
                ),
              ),
            )
          : h('p', { class: 'notice' }, bi('没有符合条件的申诉。', 'No appeals.')),
      );
    } catch (err) {
      clear(out).append(unavailable(err, ['申诉', 'Appeals']));
    }
  }
  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  await load();
}

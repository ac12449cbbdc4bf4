// An assignment's progress card (Beichen's green done / yellow in progress / red late) and the
// department's action forms (POST /api/v1/assignments/{id}/report|arrive|progress|dispute|complete).
import { api, ApiError } from '../api.js';
import { bi, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { ASSIGNMENT_ROLE, DEADLINE_KIND, label } from '../labels.js';
import { assignmentStatusBadge, clearErrors, countdown, field, showFieldErrors, toastError, toastOk } from '../ui.js';
import { extensionList, extensionRequestForm } from './extensions.js';

const OPEN = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];

/** 'done' | 'work' | 'late' | 'off' for an assignment at this moment. */
export function progressOf(a, now = Date.now()) {
  if (a.status === 'COMPLETED') return 'done';
  if (!OPEN.includes(a.status)) return 'off';
  if ((a.overdue ?? []).length > 0) return 'late';
  const d = a.deadlines ?? {};
  const late = (iso, doneAt) => iso && !doneAt && new Date(iso).getTime() < now;
  if (late(d.reportBy, a.reportedAt) || late(d.arriveBy, a.arrivedAt) || late(d.completeBy, a.completedAt)) return 'late';
  return 'work';
}

const PROGRESS_TEXT = { done: ['已完成', 'Done'], work: ['办理中', 'In progress'], late: ['已超时', 'Late'], off: ['已结束', 'Closed'] };

export function progressPill(p) {
  const [zh, en] = PROGRESS_TEXT[p];
  return h('span', { class: `pill ${p === 'off' ? '' : p}`, dataset: { progress: p } }, zh, h('span', { class: 'en' }, en));
}

function deadlineRow(kind, due, doneAt, closed) {
  const [zh, en] = label(DEADLINE_KIND, kind);
  return h(
    'div',
    { class: 'meta' },
    h('span', { style: { minWidth: '4.5em' } }, bi(`${zh}时限`, en)),
    h('span', null, fmtTime(due)),
    // a closed assignment's unmet step no longer runs (e.g. completed without a separate arrival)
    closed && !doneAt ? h('span', { class: 'muted' }, '—') : countdown(due, doneAt),
    doneAt ? h('span', { class: 'muted' }, `（${zh}于 ${fmtTime(doneAt)}）`) : null,
  );
}

/** One assignment: department, role, status, deadlines with countdowns and overdue markers. */
export function assignmentCard(a, catalog, extra = null) {
  const p = progressOf(a);
  const dept = catalog.department(a.departmentId);
  const [roleZh, roleEn] = label(ASSIGNMENT_ROLE, a.role);
  const d = a.deadlines ?? {};
  return h(
    'li',
    { class: `item prog-${p}`, dataset: { assignmentId: a.id, testid: 'assignment' } },
    h('div', { class: 'row spread' }, h('strong', null, dept?.name ?? a.departmentId), h('div', { class: 'row' }, h('span', { class: 'badge st' }, roleZh, h('span', { class: 'en' }, roleEn)), assignmentStatusBadge(a.status), progressPill(p))),
    deadlineRow('REPORT', d.reportBy, a.reportedAt, !OPEN.includes(a.status)),
    deadlineRow('ARRIVE', d.arriveBy, a.arrivedAt, !OPEN.includes(a.status)),
    deadlineRow('COMPLETE', d.completeBy, a.completedAt, !OPEN.includes(a.status)),
    (a.overdue ?? []).length
      ? h(
          'div',
          { class: 'notice bad small', role: 'note' },
          h('strong', null, bi('超时记录', 'Missed deadlines')),
          h('ul', null, a.overdue.map((o) => h('li', null, `${label(DEADLINE_KIND, o.kind)[0]}超时（应于 ${fmtTime(o.dueAt)}）`))),
        )
      : null,
    a.result ? h('p', { class: 'small' }, bi('办结结果：', 'Result: '), a.result) : null,
    extensionList(a),
    extra,
  );
}

const ACTIONS = [
  { action: 'report', zh: '报到', en: 'Report', text: null, when: ['SUMMONED'] },
  { action: 'arrive', zh: '到场', en: 'Arrive', text: null, when: ['SUMMONED', 'REPORTED'] },
  { action: 'progress', zh: '进展', en: 'Progress', text: ['note', '进展说明', 'Progress note'], when: ['REPORTED', 'ARRIVED', 'IN_PROGRESS'] },
  { action: 'dispute', zh: '退单', en: 'Dispute', text: ['note', '退单理由', 'Reason for the dispute'], when: ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS'] },
  { action: 'complete', zh: '办结', en: 'Complete', text: ['result', '办结结果', 'Result'], when: ['REPORTED', 'ARRIVED', 'IN_PROGRESS'] },
];

/** The department's buttons for one open assignment; each action is one idempotent reply. */
export function assignmentActions(a, onDone) {
  if (!OPEN.includes(a.status) || a.status === 'DISPUTED') return null;
  const box = h('div', { class: 'actions' });
  const panel = h('div');
  for (const spec of ACTIONS.filter((s) => s.when.includes(a.status))) {
    box.append(
      h(
        'button',
        { type: 'button', class: `btn ${spec.action === 'dispute' ? 'danger' : spec.action === 'complete' || spec.action === 'report' ? 'primary' : ''}`, onclick: () => openForm(spec) },
        bi(spec.zh, spec.en),
      ),
    );
  }
  // 延期申请: one pending request per deadline (the server says so otherwise)
  box.append(h('button', { type: 'button', class: 'btn', dataset: { action: 'extension' }, onclick: () => panel.replaceChildren(extensionRequestForm(a, onDone)) }, bi('延期申请', 'Extension')));
  function openForm(spec) {
    const replyId = crypto.randomUUID(); // kept across retries of this one reply
    const form = h('form', { class: 'card', novalidate: true });
    let input = null;
    if (spec.text) {
      input = h('textarea', { rows: 3, required: true });
      form.append(field(spec.text[1], spec.text[2], input, { required: true, name: spec.text[0] }).wrap);
    } else {
      input = h('input', { type: 'text' });
      form.append(field('备注（可选）', 'Note (optional)', input, { name: 'note' }).wrap);
    }
    const send = h('button', { type: 'submit', class: 'btn primary' }, bi(`确认${spec.zh}`, spec.en));
    form.append(h('div', { class: 'form-errors field-error', role: 'alert' }), h('div', { class: 'actions' }, send, h('button', { type: 'button', class: 'btn', onclick: () => form.remove() }, bi('取消', 'Cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const value = input.value.trim();
      const key = spec.text ? spec.text[0] : 'note';
      if (spec.text && !value) {
        showFieldErrors(form, [{ field: key, message: '必填 / Required' }]);
        return;
      }
      const body = { replyId };
      if (value) body[key] = value;
      send.disabled = true;
      try {
        await api(`/api/v1/assignments/${a.id}/${spec.action}`, { method: 'POST', body });
        toastOk(`已${spec.zh}`, spec.en);
        form.remove();
        onDone?.();
      } catch (err) {
        if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
        toastError(err);
      } finally {
        send.disabled = false;
      }
    });
    panel.replaceChildren(form);
    input.focus();
  }
  return h('div', null, box, panel);
}

/** The command center's ruling on a disputed assignment (POST /api/v1/assignments/{id}/dispute-resolution). */
export function disputeForm(a, catalog, onDone) {
  const decision = h('select', { required: true }, h('option', { value: 'UPHOLD' }, '退单成立 UPHOLD'), h('option', { value: 'REJECT' }, '驳回退单 REJECT'));
  const reason = h('textarea', { rows: 2, required: true });
  const reassign = h('select', null, h('option', { value: '' }, '— 不改派 None —'), catalog.departments.filter((d) => d.id !== a.departmentId).map((d) => h('option', { value: d.id }, d.name)));
  const fReassign = field('改派至', 'Reassign to', reassign, { name: 'reassignTo', hint: bi('牵头部门退单成立时必须改派', 'Required when upholding a lead’s dispute') });
  const paint = () => (fReassign.wrap.hidden = decision.value !== 'UPHOLD');
  decision.addEventListener('change', paint);
  paint();
  const submit = h('button', { type: 'submit', class: 'btn primary' }, bi('裁决', 'Resolve'));
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h3', null, bi('退单裁决', 'Resolve the dispute')),
    field('裁决', 'Decision', decision, { required: true, name: 'decision' }).wrap,
    field('理由', 'Reason', reason, { required: true, name: 'reason' }).wrap,
    fReassign.wrap,
    h('div', { class: 'form-errors field-error', role: 'alert' }),
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const errors = [];
    if (!reason.value.trim()) errors.push({ field: 'reason', message: '请填写理由 / A reason is required' });
    if (decision.value === 'UPHOLD' && a.role === 'LEAD' && !reassign.value) errors.push({ field: 'reassignTo', message: '请选择改派部门 / Choose a department' });
    if (errors.length) return void showFieldErrors(form, errors);
    const body = { decision: decision.value, reason: reason.value.trim() };
    if (decision.value === 'UPHOLD' && reassign.value) body.reassignTo = reassign.value;
    submit.disabled = true;
    try {
      await api(`/api/v1/assignments/${a.id}/dispute-resolution`, { method: 'POST', body });
      toastOk('已裁决', 'Dispute resolved');
      onDone?.();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
      toastError(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

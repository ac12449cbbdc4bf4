// An assignment's progress card (Beichen's green done / yellow in progress / red late) and the
// department's action forms (POST /api/v1/assignments/{id}/report|arrive|progress|dispute|complete).
import { api, ApiError } from '../api.js';
import { bi, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { ASSIGNMENT_ROLE, DEADLINE_KIND, WHISTLE_PHASE, label } from '../labels.js';
import { assignmentStatusBadge, clearErrors, confirmDialog, countdown, field, reasonProblem, showFieldErrors, toastError, toastOk } from '../ui.js';
import { extensionList, extensionRequestForm } from './extensions.js';

const OPEN = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];
/** Whistle states (intake's status or dispatch's phase) after which no assignment of it runs. */
const WHISTLE_CLOSED = ['RESOLVED', 'WITHDRAWN'];

/**
 * The assignment's status as the screen must show it: one still open when its whistle was
 * confirmed or withdrawn is closed with it (contract §4), whatever a lagging view says.
 * @param {{status: string, whistle?: {phase?: string}}} a
 * @param {string | null} [whistleStatus] the whistle's status or phase, when known
 */
export function shownStatus(a, whistleStatus = a.whistle?.phase ?? null) {
  return OPEN.includes(a.status) && WHISTLE_CLOSED.includes(whistleStatus ?? '') ? 'CLOSED' : a.status;
}

/** 'done' | 'work' | 'late' | 'off' for an assignment at this moment. */
export function progressOf(a, now = Date.now(), whistleStatus = a.whistle?.phase ?? null) {
  const status = shownStatus(a, whistleStatus);
  if (status === 'COMPLETED') return 'done';
  if (!OPEN.includes(status)) return 'off';
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

/** One deadline, one row: what, when, and its countdown (or how it ended). */
function deadlineRow(kind, due, doneAt, closed) {
  const [zh, en] = label(DEADLINE_KIND, kind);
  let state;
  if (!due) state = h('span', { class: 'muted' }, '—');
  else if (doneAt) state = h('span', null, countdown(due, doneAt), h('span', { class: 'done-at' }, `（${zh}于 ${fmtTime(doneAt)}）`));
  // a closed assignment's unmet step no longer runs (closed with the whistle, completed without a separate arrival)
  else if (closed) state = h('span', { class: 'muted' }, bi('不再计时', 'stopped'));
  else state = countdown(due);
  return h('div', { class: 'deadline-row', dataset: { kind } }, h('span', null, bi(`${zh}时限`, en)), h('span', { class: 'when' }, fmtTime(due)), state);
}

/**
 * One assignment: department, role, status (closed with its whistle when that is over), the
 * whistle's own state, deadlines with countdowns and overdue markers, the result.
 * @param {object} a the assignment
 * @param {object} catalog
 * @param {{extra?: Node | null, whistleStatus?: string | null}} [opts]
 */
export function assignmentCard(a, catalog, opts = {}) {
  const whistleStatus = opts.whistleStatus ?? a.whistle?.phase ?? null;
  const status = shownStatus(a, whistleStatus);
  const p = progressOf(a, Date.now(), whistleStatus);
  const dept = catalog.department(a.departmentId);
  const [roleZh, roleEn] = label(ASSIGNMENT_ROLE, a.role);
  const d = a.deadlines ?? {};
  const closed = !OPEN.includes(status);
  const phase = a.whistle?.phase ? label(WHISTLE_PHASE, a.whistle.phase) : null;
  return h(
    'li',
    { class: `item prog-${p}`, dataset: { assignmentId: a.id, testid: 'assignment', status } },
    h(
      'div',
      { class: 'row spread' },
      h('strong', null, dept?.name ?? '未知部门'),
      h('div', { class: 'row' }, h('span', { class: 'badge st' }, roleZh, h('span', { class: 'en' }, roleEn)), assignmentStatusBadge(status), progressPill(p)),
    ),
    phase ? h('p', { class: 'small', dataset: { testid: 'whistle-phase' } }, bi(phase[0], phase[1])) : null,
    h('div', { class: 'deadlines' }, deadlineRow('REPORT', d.reportBy, a.reportedAt, closed), deadlineRow('ARRIVE', d.arriveBy, a.arrivedAt, closed), deadlineRow('COMPLETE', d.completeBy, a.completedAt, closed)),
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
    closed ? null : (opts.extra ?? null),
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
  const button = (spec) =>
    h('button', { type: 'button', class: `btn ${spec.action === 'dispute' ? 'danger apart' : spec.action === 'complete' || spec.action === 'report' ? 'primary' : ''}`, onclick: () => openForm(spec) }, bi(spec.zh, spec.en));
  const specs = ACTIONS.filter((s) => s.when.includes(a.status));
  for (const spec of specs.filter((x) => x.action !== 'dispute')) box.append(button(spec));
  // 延期申请: one pending request per deadline (the server says so otherwise)
  box.append(h('button', { type: 'button', class: 'btn', dataset: { action: 'extension' }, onclick: () => panel.replaceChildren(extensionRequestForm(a, onDone)) }, bi('延期申请', 'Extension')));
  // the destructive one (退单) set apart from the everyday buttons
  for (const spec of specs.filter((x) => x.action === 'dispute')) box.append(button(spec));
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
      const problem = spec.action === 'dispute' ? reasonProblem(value) : spec.text && !value ? '必填 / Required' : null;
      if (problem) {
        showFieldErrors(form, [{ field: key, message: problem }]);
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
  // nothing preselected: the ruling is a choice
  const decision = h('select', { required: true }, h('option', { value: '' }, '— 请选择 Choose —'), h('option', { value: 'UPHOLD' }, '退单成立 Uphold'), h('option', { value: 'REJECT' }, '驳回退单 Reject'));
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
    if (!decision.value) errors.push({ field: 'decision', message: '请选择裁决 / Choose a decision' });
    const problem = reasonProblem(reason.value);
    if (problem) errors.push({ field: 'reason', message: problem });
    if (decision.value === 'UPHOLD' && a.role === 'LEAD' && !reassign.value) errors.push({ field: 'reassignTo', message: '请选择改派部门 / Choose a department' });
    if (errors.length) return void showFieldErrors(form, errors);
    const body = { decision: decision.value, reason: reason.value.trim() };
    if (decision.value === 'UPHOLD' && reassign.value) body.reassignTo = reassign.value;
    const dept = catalog.department(a.departmentId)?.name ?? '';
    const target = body.reassignTo ? `，改派${catalog.department(body.reassignTo)?.name ?? ''}` : '';
    const what = decision.value === 'UPHOLD' ? `退单成立${target}` : '驳回退单，原部门继续办理';
    if (!(await confirmDialog(`确定裁决：${dept} ${what}？裁决后不能撤销。`, 'Settle this dispute? It cannot be undone.', ['确定裁决', 'Settle']))) return;
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

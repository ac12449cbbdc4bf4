// 延期申请 (contract §11): an assignment's extension requests, the department's request form
// (POST /api/v1/assignments/{id}/extension) and the command center's queue with its decision form
// (GET /api/v1/assignments/extensions?status=PENDING, POST /api/v1/assignments/{id}/extension-decision) —
// the same shape as the dispute ruling (assignment-parts.js disputeForm, assignments.js renderDisputes).
import { api, ApiError } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { DEADLINE_KIND, label } from '../labels.js';
import { clearErrors, confirmDialog, field, levelBadge, loading, reasonProblem, showFieldErrors, toastError, toastOk, unavailable } from '../ui.js';

const STATUS_TEXT = { PENDING: ['待审批', 'Pending'], APPROVED: ['已批准', 'Approved'], DENIED: ['未批准', 'Denied'] };
const STATUS_CLASS = { PENDING: 'work', APPROVED: 'done', DENIED: 'late' };

/** A Beijing-time datetime-local value ("2026-11-27T18:00") as an ISO instant with +08:00. */
export function beijingToIso(value) {
  if (!value) return '';
  return new Date(`${value}${value.length === 16 ? ':00' : ''}+08:00`).toISOString();
}

/** The assignment's extension requests, newest last; null when it has none. */
export function extensionList(a) {
  const list = a.extensions ?? [];
  if (!list.length) return null;
  return h(
    'div',
    { class: 'notice small', role: 'note', dataset: { testid: 'extensions' } },
    h('strong', null, bi('延期申请', 'Extension requests')),
    h(
      'ul',
      null,
      list.map((x) => {
        const [zh, en] = STATUS_TEXT[x.status] ?? [x.status, ''];
        return h(
          'li',
          { dataset: { requestId: x.requestId, status: x.status } },
          h('span', { class: `pill ${STATUS_CLASS[x.status] ?? ''}` }, zh, h('span', { class: 'en' }, en)),
          ` ${label(DEADLINE_KIND, x.kind)[0]}时限延期至 ${fmtTime(x.until)}（原 ${fmtTime(x.dueAt)}）：${x.reason}`,
          x.decidedAt ? h('div', { class: 'muted' }, `指挥中心 ${fmtTime(x.decidedAt)}：${x.decisionReason ?? ''}${x.standing ? '（批准时原时限已过，超时记录成立）' : ''}`) : null,
        );
      }),
    ),
  );
}

/** The department's request: which deadline, until when (Beijing time), why. */
export function extensionRequestForm(a, onDone) {
  const replyId = crypto.randomUUID(); // kept across retries of this one request
  const kind = h('select', { required: true }, h('option', { value: 'COMPLETE' }, '办结时限 Complete'), a.arrivedAt ? null : h('option', { value: 'ARRIVE' }, '到场时限 Arrive'));
  const until = h('input', { type: 'datetime-local', required: true });
  const reason = h('textarea', { rows: 3, required: true, maxlength: 2000 });
  const current = () => (kind.value === 'ARRIVE' ? a.deadlines?.arriveBy : a.deadlines?.completeBy);
  const hint = h('span');
  const paint = () => (hint.textContent = `现行时限 ${fmtTime(current())} / the deadline in force`);
  kind.addEventListener('change', paint);
  paint();
  const send = h('button', { type: 'submit', class: 'btn primary' }, bi('提交延期申请', 'Ask for an extension'));
  const form = h(
    'form',
    { class: 'card', novalidate: true, dataset: { testid: 'extension-request' } },
    h('h3', null, bi('延期申请', 'Extension request')),
    field('延期时限', 'Deadline', kind, { required: true, name: 'kind', hint }).wrap,
    field('延期至（北京时间）', 'Until (Beijing time)', until, { required: true, name: 'until' }).wrap,
    field('延期理由', 'Reason', reason, { required: true, name: 'reason' }).wrap,
    h('div', { class: 'form-errors field-error', role: 'alert' }),
    h('div', { class: 'actions' }, send, h('button', { type: 'button', class: 'btn', onclick: () => form.remove() }, bi('取消', 'Cancel'))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const errors = [];
    const iso = beijingToIso(until.value);
    if (!iso) errors.push({ field: 'until', message: '请选择延期至的时间 / Choose the new deadline' });
    else if (current() && new Date(iso) <= new Date(current())) errors.push({ field: 'until', message: '须晚于现行时限 / Must be after the deadline in force' });
    if (!reason.value.trim()) errors.push({ field: 'reason', message: '请填写延期理由 / A reason is required' });
    if (errors.length) return void showFieldErrors(form, errors);
    send.disabled = true;
    try {
      await api(`/api/v1/assignments/${a.id}/extension`, { method: 'POST', body: { replyId, kind: kind.value, until: iso, reason: reason.value.trim() } });
      toastOk('已提交延期申请，等待指挥中心审批', 'Extension requested');
      form.remove();
      onDone?.();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
      toastError(err);
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

/** The command center's decision on one request: approve or deny, with a reason. */
export function extensionDecisionForm(x, onDone) {
  const decision = h('select', { required: true }, h('option', { value: '' }, '— 请选择 Choose —'), h('option', { value: 'APPROVE' }, '批准延期 Approve'), h('option', { value: 'DENY' }, '不予批准 Deny'));
  const reason = h('textarea', { rows: 2, required: true, maxlength: 2000 });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, bi('审批', 'Decide'));
  const form = h(
    'form',
    { class: 'card', novalidate: true, dataset: { testid: 'extension-decision' } },
    field('审批结果', 'Decision', decision, { required: true, name: 'decision' }).wrap,
    field('理由', 'Reason', reason, { required: true, name: 'reason' }).wrap,
    h('div', { class: 'form-errors field-error', role: 'alert' }),
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const errors = [];
    if (!decision.value) errors.push({ field: 'decision', message: '请选择审批结果 / Choose a decision' });
    const problem = reasonProblem(reason.value);
    if (problem) errors.push({ field: 'reason', message: problem });
    if (errors.length) return void showFieldErrors(form, errors);
    const what = decision.value === 'APPROVE' ? `批准延期至 ${fmtTime(x.until)}` : '不予批准延期';
    if (!(await confirmDialog(`确定${what}？审批后不能撤销。`, 'Decide this extension request? It cannot be undone.', ['确定', 'Decide']))) return;
    submit.disabled = true;
    try {
      await api(`/api/v1/assignments/${x.assignmentId}/extension-decision`, { method: 'POST', body: { requestId: x.requestId, decision: decision.value, reason: reason.value.trim() } });
      toastOk(decision.value === 'APPROVE' ? '已批准延期' : '已不予批准', decision.value === 'APPROVE' ? 'Extension approved' : 'Extension denied');
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

/** 延期审批 (command center): the pending requests, oldest first, each with its decision form. */
export async function renderExtensions(main, ctx) {
  const { catalog } = ctx;
  const list = h('ul', { class: 'list' });
  const info = h('div');
  const capNote = h('p', { class: 'muted small' });
  append(main, h('h1', null, bi('延期审批', 'Extension requests')), capNote, info, list);
  let timer = null;
  ctx.onCleanup(() => clearTimeout(timer));
  async function load() {
    clearTimeout(timer);
    try {
      const page = await api('/api/v1/assignments/extensions', { query: { status: 'PENDING' } });
      if (!ctx.isCurrent()) return;
      clear(info);
      clear(list);
      clear(capNote).append(bi(`每个派单最多批准 ${page.cap ?? 2} 次延期；批准时原时限已过的，原超时记录成立。`, `At most ${page.cap ?? 2} approved per assignment; approved after the deadline, the miss stands.`));
      for (const x of page.items ?? []) {
        const dept = catalog.department(x.departmentId);
        const w = x.whistle ?? {};
        const late = new Date(x.dueAt).getTime() < Date.now();
        list.append(
          h(
            'li',
            { class: 'item', dataset: { requestId: x.requestId, testid: 'extension-item' } },
            h('div', { class: 'row' }, levelBadge(x.assignment?.level ?? null), h('strong', null, dept?.name ?? x.departmentId), w.streetId ? h('span', { class: 'muted small' }, catalog.street(w.streetId)?.name ?? '') : null),
            h('a', { class: 'title', href: `#/whistles/${x.whistleId}` }, w.title ?? x.whistleId),
            h(
              'p',
              { class: 'small' },
              `${label(DEADLINE_KIND, x.kind)[0]}时限：${fmtTime(x.dueAt)} → 申请延期至 ${fmtTime(x.until)}（申请于 ${fmtTime(x.requestedAt)}；已批准 ${x.assignment?.approvedExtensions ?? 0} 次）`,
            ),
            late ? h('p', { class: 'notice bad small' }, bi('原时限已过：批准后原超时记录成立，新时限自批准起适用。', 'The deadline has passed: its miss stands if approved.')) : null,
            h('p', { class: 'small notice warn' }, bi(`延期理由：${x.reason}`, 'Reason')),
            ctx.session.role === 'command-center' ? extensionDecisionForm(x, () => void load()) : null,
          ),
        );
      }
      if (!(page.items ?? []).length) info.append(h('p', { class: 'notice' }, bi('没有待审批的延期申请。', 'No extension requests to decide.')));
      timer = setTimeout(function again() {
        if (list.querySelector('textarea:focus, select:focus')) timer = setTimeout(again, 15000);
        else void load();
      }, 30000);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      clear(list);
      clear(info).append(unavailable(err, ['延期申请', 'Extension requests']));
    }
  }
  info.append(loading());
  await load();
}

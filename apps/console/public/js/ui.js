// Shared widgets: toasts, confirm dialog, badges, field errors, countdowns, period picker.
import { ApiError } from './api.js';
import { bi, clear, h, uid } from './dom.js';
import { fmtDuration, currentPeriod } from './format.js';
import { GRADES, LEVELS, WHISTLE_STATUS, ASSIGNMENT_STATUS, label } from './labels.js';

// ---- toasts ----------------------------------------------------------------------------------

export function toast(message, kind = 'info', ms = 6000) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const close = h('button', { type: 'button', 'aria-label': '关闭 Close' }, '×');
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('div', { class: 'body' }, message), close);
  close.addEventListener('click', () => el.remove());
  box.append(el);
  if (ms > 0) setTimeout(() => el.remove(), ms);
}

/** An error as a toast: problem+json title and detail. */
export function toastError(err) {
  if (err instanceof ApiError) {
    const p = err.problem;
    toast(h('span', null, h('strong', null, p.title || `HTTP ${err.status}`), p.detail ? h('div', null, p.detail) : null), 'error', 9000);
  } else {
    toast(String(err?.message ?? err), 'error', 9000);
  }
}

export function toastOk(zh, en) {
  toast(bi(zh, en), 'ok', 4000);
}

// ---- friendly "not available yet" ------------------------------------------------------------

/** Shown when an endpoint answers 404 (it is being built) or the call fails. */
export function unavailable(err, what) {
  if (err instanceof ApiError && err.status === 404 && err.isMissingEndpoint) {
    return h(
      'div',
      { class: 'notice warn', role: 'status' },
      h('strong', null, bi(`“${what[0]}”功能暂未开放`, `${what[1]} is not available yet`)),
      h('p', { class: 'small' }, bi('服务端接口尚未上线，请稍后再试或联系管理员。', 'The server does not offer this endpoint yet; please try again later.')),
    );
  }
  if (err instanceof ApiError && err.status === 403) {
    return h('div', { class: 'notice bad', role: 'alert' }, h('strong', null, err.problem.title || '无权访问 / Forbidden'), h('p', null, err.problem.detail ?? ''));
  }
  const p = err instanceof ApiError ? err.problem : { title: '出错了 / Error', detail: String(err?.message ?? err) };
  return h('div', { class: 'notice bad', role: 'alert' }, h('strong', null, p.title ?? `HTTP ${err.status}`), p.detail ? h('p', null, p.detail) : null);
}

// ---- confirmation dialog ---------------------------------------------------------------------

/** A modal "are you sure" for an act that cannot be undone; resolves true only on the OK button. */
export function confirmDialog(zh, en, okText = ['确定', 'OK'], okClass = 'primary') {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: `btn ${okClass}`, value: 'ok' }, bi(okText[0], okText[1]));
    const cancel = h('button', { type: 'button', class: 'btn', value: 'cancel' }, bi('取消', 'Cancel'));
    const titleId = uid('dlg');
    const dlg = h('dialog', { 'aria-labelledby': titleId }, h('p', { id: titleId }, bi(zh, en)), h('div', { class: 'actions' }, ok, cancel));
    document.body.append(dlg);
    const done = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    dlg.showModal();
    cancel.focus();
  });
}

// ---- badges ----------------------------------------------------------------------------------

export function levelBadge(level) {
  if (!level) return h('span', { class: 'badge lv-none' }, bi('待分级', 'Not triaged'));
  const [zh, en] = label(LEVELS, level);
  return h('span', { class: `badge lv-${level}`, title: `${zh}色响应 ${en}` }, `${zh}色`, h('span', { class: 'en' }, en));
}

export function statusBadge(status, table = WHISTLE_STATUS) {
  const [zh, en] = label(table, status);
  return h('span', { class: `badge st st-${status}`, dataset: { status } }, zh, en ? h('span', { class: 'en' }, en) : null);
}

export function assignmentStatusBadge(status) {
  return statusBadge(status, ASSIGNMENT_STATUS);
}

export function gradeBadge(grade) {
  if (!grade) return h('span', { class: 'badge st' }, '—');
  const [zh, en] = label(GRADES, grade);
  return h('span', { class: `badge gr-${grade}` }, zh, h('span', { class: 'en' }, en));
}

// ---- countdowns ------------------------------------------------------------------------------

/** A live "剩 X / 超时 X" for a deadline; all of them tick from one timer. */
export function countdown(iso, doneAt = null) {
  // never inside a live region: a ticking countdown is read when the user gets to it, not announced every second
  const el = h('span', { class: 'countdown', 'aria-live': 'off', dataset: { deadline: iso ?? '', done: doneAt ?? '' } });
  paintCountdown(el);
  return el;
}

function paintCountdown(el) {
  const iso = el.dataset.deadline;
  if (!iso) {
    el.textContent = '—';
    return;
  }
  const due = new Date(iso).getTime();
  const done = el.dataset.done ? new Date(el.dataset.done).getTime() : null;
  if (done !== null) {
    el.className = `countdown ${done > due ? 'late' : ''}`;
    el.textContent = done > due ? `超时 ${fmtDuration(done - due)} 完成` : '按时完成';
    return;
  }
  const left = due - Date.now();
  el.className = `countdown ${left < 0 ? 'late' : left < 15 * 60000 ? 'soon' : ''}`;
  el.textContent = left < 0 ? `已超时 ${fmtDuration(-left)}` : `剩余 ${fmtDuration(left)}`;
}

let ticking = false;
export function startCountdownTicker() {
  if (ticking) return;
  ticking = true;
  setInterval(() => document.querySelectorAll('.countdown[data-deadline]').forEach((el) => paintCountdown(/** @type {HTMLElement} */ (el))), 1000);
}

// ---- technical details -------------------------------------------------------------------------

/**
 * Ids, hashes and keys, out of plain view: a collapsed "技术详情" toggle.
 * @param {Array<[string, unknown]>} rows [label, value] pairs; empty values are skipped
 */
export function techDetails(rows) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!shown.length) return null;
  return h(
    'details',
    { class: 'tech' },
    h('summary', null, bi('技术详情', 'Technical details')),
    h('dl', { class: 'kv small' }, shown.map(([k, v]) => [h('dt', null, k), h('dd', { class: 'mono' }, String(v))])),
  );
}

// ---- reasons ---------------------------------------------------------------------------------

/**
 * The console asks for at least this many characters in every free-text reason (withdraw, reopen,
 * override, dispute and its ruling, extension and appeal decisions): at least what each API
 * enforces (the override 2, ratings and appeals 5, the others 1), one rule for the person.
 */
export const MIN_REASON = 5;

/** null when the reason is long enough, else the message to show next to the field. */
export function reasonProblem(text, min = MIN_REASON) {
  const n = [...String(text ?? '').trim()].length;
  if (n === 0) return '请填写理由 / A reason is required';
  return n < min ? `理由至少 ${min} 个字 / At least ${min} characters` : null;
}

// ---- form fields -----------------------------------------------------------------------------

/**
 * A labelled field; `name` is the contract field path used to place RFC 9457 errors.
 * @returns {{wrap: HTMLElement, input: HTMLElement, error: HTMLElement}}
 */
export function field(labelZh, labelEn, input, opts = {}) {
  const id = input.id || uid('in');
  input.id = id;
  const error = h('div', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
  const describedBy = [`${id}-err`];
  let hint = null;
  if (opts.hint) {
    hint = h('div', { class: 'small muted', id: `${id}-hint` }, opts.hint);
    describedBy.push(`${id}-hint`);
  }
  input.setAttribute('aria-describedby', describedBy.join(' '));
  if (opts.name) input.dataset.field = opts.name;
  const lab = h('label', { for: id }, bi(labelZh, labelEn), opts.required ? h('span', { 'aria-hidden': 'true', class: 'muted' }, ' *') : null);
  const wrap = h('div', { class: 'field' }, lab, input, hint, opts.after ?? null, error);
  return { wrap, input, error };
}

/** Live "n / max" counter under a text input. */
export function counter(input, max) {
  const el = h('div', { class: 'counter', 'aria-live': 'off' });
  const paint = () => {
    const n = [...input.value].length;
    el.textContent = `${n} / ${max}`;
    el.classList.toggle('over', n > max);
  };
  input.addEventListener('input', paint);
  paint();
  return el;
}

/** Clear previous field errors in a form. */
export function clearErrors(form) {
  form.querySelectorAll('[aria-invalid=true]').forEach((el) => el.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((el) => clear(el));
  form.querySelectorAll('.form-errors').forEach((el) => clear(el));
}

/**
 * Put each `errors[]` entry next to its field (matching data-field, or its longest prefix);
 * the rest go to the form's general error box. Returns how many were placed next to fields.
 */
export function showFieldErrors(form, errors) {
  let placed = 0;
  const general = form.querySelector('.form-errors');
  let firstInvalid = null;
  for (const e of errors) {
    const path = String(e.field ?? '');
    const candidates = [path, path.replace(/\.\d+(\.|$)/g, '$1'), path.split('.').slice(0, -1).join('.'), path.split('.')[0]];
    let input = null;
    for (const c of candidates) {
      if (!c) continue;
      input = form.querySelector(`[data-field="${CSS.escape(c)}"]`);
      if (input) break;
    }
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      const errEl = document.getElementById(`${input.id}-err`) ?? input.closest('.field, fieldset')?.querySelector('.field-error');
      if (errEl) {
        errEl.append(h('div', null, e.message));
        placed += 1;
        firstInvalid ??= input;
        continue;
      }
    }
    if (general) general.append(h('div', null, `${path ? `${path}: ` : ''}${e.message}`));
  }
  if (firstInvalid) firstInvalid.focus();
  return placed;
}

// ---- period picker (year / quarter / month) --------------------------------------------------

/** Returns {el, value()} — value is "2026", "2026-Q3" or "2026-09". */
export function periodPicker(initialKind = 'quarter', name = 'period') {
  const kind = h(
    'select',
    { 'aria-label': '周期类型 Period type' },
    h('option', { value: 'year' }, '年度 Year'),
    h('option', { value: 'quarter' }, '季度 Quarter'),
    h('option', { value: 'month' }, '月度 Month'),
  );
  kind.value = initialKind;
  const year = h('select', { 'aria-label': '年份 Year' });
  const thisYear = Number(currentPeriod('year'));
  for (let y = thisYear; y >= thisYear - 4; y -= 1) year.append(h('option', { value: String(y) }, `${y}年`));
  const sub = h('select', { 'aria-label': '季度或月份 Quarter or month' });
  const fill = () => {
    clear(sub);
    const cur = currentPeriod(kind.value);
    if (kind.value === 'quarter') for (let q = 1; q <= 4; q += 1) sub.append(h('option', { value: `Q${q}` }, `第${q}季度 Q${q}`));
    if (kind.value === 'month') for (let m = 1; m <= 12; m += 1) sub.append(h('option', { value: String(m).padStart(2, '0') }, `${m}月`));
    sub.hidden = kind.value === 'year';
    if (cur.includes('-')) sub.value = cur.split('-')[1];
  };
  kind.addEventListener('change', fill);
  fill();
  const el = h('div', { class: 'row', role: 'group', 'aria-label': '考核周期 Period', dataset: { field: name } }, kind, year, sub);
  for (const s of [kind, year, sub]) s.style.width = 'auto';
  return {
    el,
    value: () => (kind.value === 'year' ? year.value : `${year.value}-${sub.value}`),
    onChange: (fn) => [kind, year, sub].forEach((s) => s.addEventListener('change', fn)),
  };
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, bi('加载中…', 'Loading…'));
}

/** Copy text to the clipboard (with a fallback for non-secure contexts). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { style: { position: 'fixed', opacity: '0' } }, text);
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

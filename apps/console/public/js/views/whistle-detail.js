// 哨件详情: status, level, triage reasons, assignments with deadlines, the audit timeline with the
// hash-chain verdict, and the actions of the signed-in role.
import { api, ApiError } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { EVENT_TYPES, LEVELS, LEVEL_CODES, RATINGS, ROLES, label } from '../labels.js';
import {
  clearErrors,
  copyText,
  countdown,
  field,
  levelBadge,
  loading,
  showFieldErrors,
  statusBadge,
  toastError,
  toastOk,
  unavailable,
} from '../ui.js';
import { assignmentActions, assignmentCard, disputeForm } from './assignment-parts.js';
import { extensionDecisionForm } from './extensions.js';

const TRANSIENT = ['BLOWN', 'TRIAGED'];

export async function renderWhistleDetail(main, ctx) {
  const [id] = ctx.params;
  const { catalog, session } = ctx;
  const head = h('div');
  const body = h('div', { class: 'grid2' });
  const left = h('div');
  const right = h('div');
  body.append(left, right);
  const actionsBox = h('div');
  const refresh = h('button', { type: 'button', class: 'btn', onclick: () => void load(true) }, bi('刷新', 'Refresh'));
  append(main, 
    h('p', { class: 'row spread' }, h('a', { href: session.role === 'department' ? '#/assignments' : '#/whistles' }, bi('← 返回列表', 'Back to the list')), refresh),
    head,
    actionsBox,
    body,
  );
  head.append(loading());

  let lastStatus = null;
  let lastFeedbackKey = null;
  /** The link from the confirm response, shown until the read model carries it (or it is used). */
  let confirmedFeedback = null;
  let timer = null;
  let polls = 0;
  ctx.onCleanup(() => clearTimeout(timer));

  /** Someone is typing in a form inside the panels that a refresh would redraw. */
  const typing = () =>
    [...document.querySelectorAll('#main form')].some(
      (f) => (f.contains(document.activeElement) && document.activeElement.matches('input, textarea, select')) || [...f.querySelectorAll('textarea, input[type=text]')].some((x) => x.value.trim()),
    );

  async function load(manual = false, auto = false) {
    clearTimeout(timer);
    if (auto && typing()) {
      timer = setTimeout(() => void load(false, true), 5000);
      return;
    }
    let view;
    let audit = null;
    let auditErr = null;
    try {
      view = await api(`/api/v1/whistles/${id}`);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      clear(head).append(unavailable(err, ['哨件详情', 'Whistle']));
      return;
    }
    try {
      audit = await api(`/api/v1/whistles/${id}/events`);
    } catch (err) {
      auditErr = err;
    }
    if (!ctx.isCurrent()) return;
    paint(view, audit, auditErr);
    if (manual) toastOk('已刷新', 'Refreshed');
    // Follow the whistle while services are still working on it (triage, dispatch, the ledger).
    const behind = audit && typeof view.projectionVersion === 'number' && audit.events.length < view.projectionVersion;
    polls += 1;
    if ((TRANSIENT.includes(view.status) || behind) && polls < 120) timer = setTimeout(() => void load(false, true), 1500);
    else timer = setTimeout(() => void load(false, true), 15000);
  }

  function paint(view, audit, auditErr) {
    const situation = catalog.situation(view.situationCode);
    const area = catalog.area(view.area);
    const street = catalog.street(view.streetId);
    const comm = view.location?.communityId ? catalog.community(view.location.communityId) : null;
    clear(head).append(
      h('h1', null, view.title),
      h(
        'div',
        { class: 'row', style: { marginBottom: '10px' } },
        h('span', { 'data-testid': 'whistle-level' }, levelBadge(view.level)),
        h('span', { 'data-testid': 'whistle-status' }, statusBadge(view.status)),
        view.escalations ? h('span', { class: 'pill late' }, bi(`催办 ${view.escalations} 次`, 'escalated')) : null,
      ),
    );

    // summary
    const summary = h(
      'section',
      { class: 'card', 'aria-labelledby': 'sum-h' },
      h('h2', { id: 'sum-h' }, bi('基本情况', 'Summary')),
      h(
        'dl',
        { class: 'kv' },
        h('dt', null, '呼叫情形'),
        h('dd', null, situation ? `${situation.name}（${area?.name ?? view.area}）` : view.situationCode),
        h('dt', null, '街道'),
        h('dd', null, street?.name ?? view.streetId),
        h('dt', null, '地址'),
        h('dd', null, [view.location?.address, comm ? `（${comm.name}）` : ''].join('')),
        h('dt', null, '吹哨时间'),
        h('dd', null, fmtTime(view.createdAt)),
        h('dt', null, '最近更新'),
        h('dd', null, fmtTime(view.updatedAt)),
        view.hints?.lifeSafety ? [h('dt', null, '提示'), h('dd', null, '危及生命安全')] : null,
        typeof view.hints?.householdsAffected === 'number' ? [h('dt', null, '涉及户数'), h('dd', null, String(view.hints.householdsAffected))] : null,
      ),
      view.description ? h('p', { style: { whiteSpace: 'pre-wrap' } }, view.description) : null,
      (view.attachments ?? []).length
        ? h('ul', null, view.attachments.map((a) => h('li', null, h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, `${a.kind}: ${a.url}`))))
        : null,
    );

    // triage
    const t = view.triage;
    const triage = h(
      'section',
      { class: 'card', 'aria-labelledby': 'tri-h' },
      h('h2', { id: 'tri-h' }, bi('分级响应', 'Triage')),
      t
        ? [
            h('p', { class: 'row' }, levelBadge(t.level), h('span', { class: 'muted small' }, `策略版本 v${t.policyVersion} Policy`)),
            h('ol', null, (t.reasons ?? []).map((r) => h('li', null, r.zh, r.en ? h('span', { class: 'en' }, r.en) : null))),
            t.overridden
              ? h('p', { class: 'notice warn' }, bi(`指挥中心改级：${label(LEVELS, t.overridden.from)[0]} → ${label(LEVELS, t.level)[0]}；理由：${t.overridden.reason}`, 'Overridden by the command center'))
              : null,
          ]
        : h('p', { class: 'muted' }, bi('正在分级…', 'Triage in progress…')),
      !['RESOLVED', 'WITHDRAWN'].includes(view.status) && view.deadlines && (view.deadlines.reportBy || view.deadlines.arriveBy || view.deadlines.completeBy)
        ? h(
            'dl',
            { class: 'kv' },
            h('dt', null, '最近报到时限'),
            h('dd', null, fmtTime(view.deadlines.reportBy), ' ', view.deadlines.reportBy ? countdown(view.deadlines.reportBy) : null),
            h('dt', null, '最近到场时限'),
            h('dd', null, fmtTime(view.deadlines.arriveBy), ' ', view.deadlines.arriveBy ? countdown(view.deadlines.arriveBy) : null),
            h('dt', null, '最近办结时限'),
            h('dd', null, fmtTime(view.deadlines.completeBy), ' ', view.deadlines.completeBy ? countdown(view.deadlines.completeBy) : null),
          )
        : null,
    );

    // assignments
    const own = (a) => session.role === 'department' && a.departmentId === session.org;
    const isCenter = session.role === 'command-center' || session.role === 'admin';
    // 延期审批 from the whistle too: each pending request of the assignment with its decision form
    const pendingExtensions = (a) => {
      const pending = (a.extensions ?? []).filter((x) => x.status === 'PENDING');
      return pending.length ? h('div', null, pending.map((x) => extensionDecisionForm({ ...x, assignmentId: a.id }, () => void load()))) : null;
    };
    const assignments = h(
      'section',
      { class: 'card', 'aria-labelledby': 'asg-h' },
      h('h2', { id: 'asg-h' }, bi(`派单（${view.assignments?.length ?? 0}）`, 'Assignments')),
      (view.assignments ?? []).length
        ? h(
            'ul',
            { class: 'list' },
            view.assignments.map((a) =>
              assignmentCard(
                a,
                catalog,
                own(a)
                  ? assignmentActions(a, () => void load())
                  : isCenter && a.status === 'DISPUTED'
                    ? disputeForm(a, catalog, () => void load())
                    : session.role === 'command-center'
                      ? pendingExtensions(a)
                      : null,
              ),
            ),
          )
        : h('p', { class: 'muted' }, bi('尚未派单。', 'Not dispatched yet.')),
    );

    // feedback: the one-time link goes on top (actions box); a given rating in the summary column
    const fb = view.feedback;
    let feedback = null;
    if (fb?.status === 'GIVEN') {
      const [zh, en] = label(RATINGS, fb.rating);
      feedback = h('section', { class: 'card' }, h('h2', null, bi('群众评价', 'Resident feedback')), h('p', null, bi(`${zh}（${fb.score ?? '—'} 分）`, en)));
    }

    clear(left).append(summary, triage, feedback ?? '');
    clear(right).append(assignments, timeline(audit, auditErr));

    const link = fb?.link ? fb : fb?.status === 'GIVEN' ? null : confirmedFeedback;
    const feedbackKey = link?.link ?? fb?.status ?? '';
    if (view.status !== lastStatus || feedbackKey !== lastFeedbackKey) {
      lastStatus = view.status;
      lastFeedbackKey = feedbackKey;
      clear(actionsBox).append(link ? feedbackLinkBox(link.link, link.expiresAt, view.id) : '', roleActions(view) ?? '');
    }
  }

  function timeline(audit, err) {
    const sec = h('section', { class: 'card', 'aria-labelledby': 'aud-h', 'data-testid': 'audit' }, h('h2', { id: 'aud-h' }, bi('审计时间线', 'Audit timeline')));
    if (!audit) {
      sec.append(unavailable(err, ['审计事件流', 'Audit stream']));
      return sec;
    }
    const chain = audit.chain ?? {};
    sec.append(
      h(
        'p',
        { class: `chain ${chain.valid ? 'ok' : 'bad'}`, 'data-testid': 'chain-verdict', role: 'status' },
        chain.valid ? `✔ 链完整（${chain.length} 条）` : `✘ 第 ${chain.firstBadPosition ?? '?'} 条被篡改`,
        h('span', { class: 'en' }, chain.valid ? 'Hash chain intact' : `Event ${chain.firstBadPosition ?? '?'} was tampered with`),
      ),
      // why, as the server found it (which store, which check): Chinese first, English after the slash
      chain.valid || !chain.reason ? null : h('p', { class: 'small chain-reason', 'data-testid': 'chain-reason' }, chain.reason),
    );
    const bad = chain.valid ? null : chain.firstBadPosition;
    sec.append(
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        audit.events.map((e) => {
          const [zh, en] = label(EVENT_TYPES, e.type);
          const actor = e.actor ?? {};
          const who = actor.org ? catalog.nameOf(actor.org) ?? actor.org : label(ROLES, actor.role)[0] || actor.role || '系统';
          return h(
            'li',
            { class: bad !== null && e.position >= bad ? 'bad' : '', dataset: { type: e.type, position: String(e.position) } },
            h('div', { class: 'row' }, h('strong', null, `${e.position}. ${zh}`), h('span', { class: 'en' }, en)),
            h('div', { class: 'small muted' }, `${fmtTime(e.occurredAt)} · ${who}${actor.sub ? `（${actor.sub}）` : ''}`),
            eventSummary(e),
            h('div', { class: 'hash mono muted' }, `#${String(e.hash ?? '').slice(0, 16)}… ← ${String(e.prevHash ?? '').slice(0, 8)}…`),
          );
        }),
      ),
    );
    return sec;
  }

  function eventSummary(e) {
    const d = e.data ?? {};
    const bits = [];
    if (d.level) bits.push(`级别 ${label(LEVELS, d.level)[0]}`);
    if (d.to && d.from) bits.push(`${label(LEVELS, d.from)[0]} → ${label(LEVELS, d.to)[0]}`);
    if (Array.isArray(d.assignments)) bits.push(d.assignments.map((a) => catalog.department(a.departmentId)?.name ?? '').filter(Boolean).join('、'));
    if (d.departmentId && catalog.department(d.departmentId)) bits.push(catalog.department(d.departmentId).name);
    if (d.kind) bits.push(`${d.kind}`);
    for (const k of ['reason', 'note', 'result', 'comment']) if (typeof d[k] === 'string' && d[k]) bits.push(d[k]);
    if (d.decision) bits.push(d.decision === 'UPHOLD' ? '退单成立' : '退单驳回');
    if (d.rating) bits.push(label(RATINGS, d.rating)[0]);
    return bits.length ? h('div', { class: 'small' }, bits.join(' · ')) : null;
  }

  // --- actions by role ----------------------------------------------------------------------------
  function roleActions(view) {
    if (session.role === 'street' && view.streetId === session.org) return streetActions(view);
    if (session.role === 'command-center' || session.role === 'admin') return overrideForm(view);
    return null;
  }

  function reasonForm(titleZh, titleEn, path, btnClass, minLen = 1) {
    const reason = h('textarea', { rows: 2, required: true });
    const submit = h('button', { type: 'submit', class: `btn ${btnClass}` }, bi(titleZh, titleEn));
    const form = h('form', { class: 'card', novalidate: true }, h('h2', null, bi(titleZh, titleEn)), field('理由', 'Reason', reason, { required: true, name: 'reason' }).wrap, h('div', { class: 'form-errors field-error', role: 'alert' }), submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if ([...reason.value.trim()].length < minLen) {
        showFieldErrors(form, [{ field: 'reason', message: '请填写理由 / A reason is required' }]);
        return;
      }
      submit.disabled = true;
      try {
        await api(path, { method: 'POST', body: { reason: reason.value.trim() } });
        toastOk(`${titleZh}成功`, titleEn);
        lastStatus = null;
        await load();
      } catch (err) {
        if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
        toastError(err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  function streetActions(view) {
    const box = h('div');
    if (view.status === 'COMPLETED') {
      const confirmBtn = h('button', { type: 'button', class: 'btn primary big' }, bi('确认解决', 'Confirm resolved'));
      confirmBtn.addEventListener('click', async () => {
        confirmBtn.disabled = true;
        try {
          const res = await api(`/api/v1/whistles/${id}/confirm`, { method: 'POST', body: {} });
          toastOk('已确认解决，请将评价链接交给群众', 'Confirmed; hand the feedback link to the resident.');
          if (res?.feedback?.link) confirmedFeedback = res.feedback;
          lastStatus = null;
          await load();
        } catch (err) {
          toastError(err);
          confirmBtn.disabled = false;
        }
      });
      box.append(
        h('section', { class: 'card' }, h('h2', null, bi('部门已办结，请核实', 'The lead department completed: please check')), h('div', { class: 'actions' }, confirmBtn)),
        reasonForm('退回重办', 'Reopen', `/api/v1/whistles/${id}/reopen`, 'danger'),
      );
    } else if (!['RESOLVED', 'WITHDRAWN'].includes(view.status)) {
      const details = h('details', { class: 'card' }, h('summary', null, bi('撤回此哨件', 'Withdraw this whistle')), reasonForm('撤回', 'Withdraw', `/api/v1/whistles/${id}/withdraw`, 'danger'));
      box.append(details);
    }
    return box;
  }

  function overrideForm(view) {
    if (['RESOLVED', 'WITHDRAWN'].includes(view.status)) return null;
    const level = h('select', { required: true }, LEVEL_CODES.map((l) => h('option', { value: l }, `${label(LEVELS, l)[0]}色 ${label(LEVELS, l)[1]}`)));
    if (view.level) level.value = view.level;
    const reason = h('textarea', { rows: 2, required: true });
    const submit = h('button', { type: 'submit', class: 'btn primary' }, bi('改级', 'Override'));
    const form = h(
      'form',
      { novalidate: true },
      h('div', { class: 'inline-fields' }, field('新级别', 'New level', level, { required: true, name: 'level' }).wrap, field('理由', 'Reason', reason, { required: true, name: 'reason' }).wrap),
      h('div', { class: 'form-errors field-error', role: 'alert' }),
      submit,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!reason.value.trim()) {
        showFieldErrors(form, [{ field: 'reason', message: '改级必须填写理由 / A reason is required' }]);
        return;
      }
      submit.disabled = true;
      try {
        await api(`/api/v1/whistles/${id}/triage-override`, { method: 'POST', body: { level: level.value, reason: reason.value.trim() } });
        toastOk('已改级', 'Triage overridden');
        reason.value = '';
        await load();
      } catch (err) {
        if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
        toastError(err);
      } finally {
        submit.disabled = false;
      }
    });
    return h('details', { class: 'card' }, h('summary', null, h('strong', null, bi('调整分级（指挥中心）', 'Override triage'))), form);
  }

  await load();
}

/** The link as a QR code: an SVG made by the server (no external service), parsed as SVG, never as HTML. */
async function feedbackQr(whistleId) {
  const res = await api(`/api/v1/whistles/${whistleId}/feedback-qr.svg`, { raw: true, headers: { accept: 'image/svg+xml' } });
  const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') throw new Error('二维码生成失败 / The QR code could not be made');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', '评价链接二维码 QR code of the feedback link');
  svg.setAttribute('class', 'feedback-qr');
  return document.importNode(svg, true);
}

/** The resident's one-time link, prominent, as a plain link with a copy button and a QR code. */
export function feedbackLinkBox(link, expiresAt, whistleId) {
  const url = new URL(link, location.origin).href;
  const copy = h('button', { type: 'button', class: 'btn primary' }, bi('复制链接', 'Copy link'));
  copy.addEventListener('click', async () => {
    if (await copyText(url)) toastOk('已复制评价链接', 'Link copied');
    else toastError(new Error('复制失败，请长按链接手动复制 / Copy failed; long-press the link to copy'));
  });
  const qrBox = h('div', { class: 'qr-box', 'data-testid': 'feedback-qr' });
  const qrButton = whistleId ? h('button', { type: 'button', class: 'btn' }, bi('显示二维码', 'Show QR code')) : null;
  qrButton?.addEventListener('click', async () => {
    qrButton.disabled = true;
    try {
      clear(qrBox).append(await feedbackQr(whistleId), h('p', { class: 'small muted' }, bi('请群众用手机扫码评价，并可随时查看办理进度。', 'The resident scans it to rate and follow the case.')));
      qrButton.remove();
    } catch (err) {
      qrButton.disabled = false;
      toastError(err);
    }
  });
  return h(
    'section',
    { class: 'card feedback-link', 'data-testid': 'feedback-link', 'aria-labelledby': 'fbl-h' },
    h('h2', { id: 'fbl-h' }, bi('群众评价链接', 'Resident feedback link')),
    h('p', null, bi('请把下面的链接发给反映问题的群众，链接只能使用一次。', 'Send this one-time link to the resident.')),
    h('p', null, h('a', { href: url, target: '_blank', rel: 'noopener' }, url)),
    expiresAt ? h('p', { class: 'small muted' }, `有效期至 ${fmtTime(expiresAt)}`) : null,
    h('div', { class: 'actions' }, copy, qrButton),
    qrBox,
  );
}

// 哨件详情, phone first: status and level, then the signed-in role's main action and the lead
// department's result, then the summary, assignments with one row per deadline, triage, and the
// audit timeline (collapsed) with the hash-chain verdict; ids and hashes behind 技术详情.
// After every action the page re-reads what the action changed and shows that.
import { api, ApiError } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { DEADLINE_KIND, EVENT_TYPES, LEVELS, LEVEL_CODES, RATINGS, ROLES, label } from '../labels.js';
import {
  clearErrors,
  confirmDialog,
  copyText,
  countdown,
  field,
  levelBadge,
  loading,
  reasonProblem,
  showFieldErrors,
  statusBadge,
  techDetails,
  toastError,
  toastOk,
  unavailable,
} from '../ui.js';
import { assignmentActions, assignmentCard, disputeForm, shownStatus } from './assignment-parts.js';
import { extensionDecisionForm } from './extensions.js';

const TRANSIENT = ['BLOWN', 'TRIAGED'];
const ATTACHMENT_KIND = { photo: '照片', video: '视频', document: '文件', audio: '录音' };

export async function renderWhistleDetail(main, ctx) {
  const [id] = ctx.params;
  const { catalog, session } = ctx;
  const head = h('div');
  const body = h('div', { class: 'grid2' });
  const left = h('div');
  const right = h('div');
  body.append(left, right);
  const actionsBox = h('div', { dataset: { testid: 'main-action' } });
  const resultBox = h('div');
  const refresh = h('button', { type: 'button', class: 'btn', onclick: () => void load(true) }, bi('刷新', 'Refresh'));
  append(main, 
    h('p', { class: 'row spread' }, h('a', { href: session.role === 'department' ? '#/assignments' : '#/whistles' }, bi('← 返回列表', 'Back to the list')), refresh),
    head,
    actionsBox,
    resultBox,
    body,
  );
  head.append(loading());

  let lastStatus = null;
  /** After a triage override: the level asked for and the deadlines before it, until the view shows both changed. */
  let pending = null;
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
    if (pending && (view.level !== pending.level || JSON.stringify(view.deadlines) === pending.deadlines) && Date.now() < pending.until) {
      timer = setTimeout(() => void load(false, true), 1000);
      return;
    }
    if (pending) {
      pending = null;
      lastStatus = null;
      paint(view, audit, auditErr); // the new level and deadlines are in: the form comes back for a further change
    }
    if ((TRANSIENT.includes(view.status) || behind) && polls < 120) timer = setTimeout(() => void load(false, true), 1500);
    else timer = setTimeout(() => void load(false, true), 15000);
  }

  /** A server sentence with catalog codes (FIRE_LANE_BLOCKED, EMERGENCY…) in it, with their names instead. */
  const named = (text) => String(text ?? '').replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b/g, (code) => catalog.nameOf(code) ?? (LEVELS[code] ? `${label(LEVELS, code)[0]}色` : code));

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
        h('dd', null, situation ? `${situation.name}（${area?.name ?? '—'}）` : '未知情形'),
        h('dt', null, '街道'),
        h('dd', null, street?.name ?? '—'),
        h('dt', null, '地址'),
        h('dd', null, [view.location?.address, comm ? `（${comm.name}）` : ''].join('') || '—'),
        h('dt', null, '吹哨时间'),
        h('dd', null, fmtTime(view.createdAt)),
        h('dt', null, '最近更新'),
        h('dd', null, fmtTime(view.updatedAt)),
        view.hints?.lifeSafety ? [h('dt', null, '提示'), h('dd', null, '危及生命安全')] : null,
        typeof view.hints?.householdsAffected === 'number' ? [h('dt', null, '涉及户数'), h('dd', null, String(view.hints.householdsAffected))] : null,
      ),
      view.description ? h('p', { style: { whiteSpace: 'pre-wrap' } }, view.description) : null,
      (view.attachments ?? []).length
        ? h('ul', null, view.attachments.map((a, i) => h('li', null, h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, `附件 ${i + 1}（${ATTACHMENT_KIND[a.kind] ?? '文件'}）`))))
        : null,
      techDetails([
        ['哨件编号 Whistle id', view.id],
        ['情形代码 Situation code', view.situationCode],
        ['投影版本 Projection version', view.projectionVersion],
      ]),
    );

    // triage: the level, why, and the nearest deadline of each kind — one row each
    const t = view.triage;
    const open = !['RESOLVED', 'WITHDRAWN'].includes(view.status);
    const dl = view.deadlines ?? {};
    const nearest = (kind, iso) => h('div', { class: 'deadline-row', dataset: { kind } }, h('span', null, `最近${label(DEADLINE_KIND, kind)[0]}时限`), h('span', { class: 'when' }, fmtTime(iso)), countdown(iso));
    const triage = h(
      'section',
      { class: 'card', 'aria-labelledby': 'tri-h', dataset: { testid: 'triage' } },
      h('h2', { id: 'tri-h' }, bi('分级响应', 'Triage')),
      t
        ? [
            h('p', { class: 'row' }, levelBadge(t.level), h('span', { class: 'muted small' }, `分级规则第 ${t.policyVersion} 版`)),
            h('ol', null, (t.reasons ?? []).map((r) => h('li', null, named(r.zh), r.en ? h('span', { class: 'en' }, named(r.en)) : null))),
            t.overridden
              ? h('p', { class: 'notice warn' }, bi(`指挥中心改级：${label(LEVELS, t.overridden.from)[0]}色 → ${label(LEVELS, t.level)[0]}色；理由：${t.overridden.reason}`, 'Overridden by the command center'))
              : null,
          ]
        : h('p', { class: 'muted' }, bi('正在分级…', 'Triage in progress…')),
      open && (dl.reportBy || dl.arriveBy || dl.completeBy)
        ? h('div', { class: 'deadlines', dataset: { testid: 'whistle-deadlines' } }, [['REPORT', dl.reportBy], ['ARRIVE', dl.arriveBy], ['COMPLETE', dl.completeBy]].filter(([, iso]) => iso).map(([k, iso]) => nearest(k, iso)))
        : null,
    );

    // assignments
    const own = (a) => session.role === 'department' && a.departmentId === session.org;
    const isCenter = session.role === 'command-center' || session.role === 'admin';
    // 延期审批 from the whistle too: each pending request of the assignment with its decision form
    const pendingExtensions = (a) => {
      const pendingX = (a.extensions ?? []).filter((x) => x.status === 'PENDING');
      return pendingX.length ? h('div', null, pendingX.map((x) => extensionDecisionForm({ ...x, assignmentId: a.id }, () => void load()))) : null;
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
              assignmentCard(a, catalog, {
                whistleStatus: view.status,
                extra: own(a)
                  ? assignmentActions(a, () => void load())
                  : isCenter && a.status === 'DISPUTED'
                    ? disputeForm(a, catalog, () => void load())
                    : session.role === 'command-center'
                      ? pendingExtensions(a)
                      : null,
              }),
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

    // the lead department's result, at the top: what the street checks before confirming
    const lead = (view.assignments ?? []).find((a) => a.role === 'LEAD' && shownStatus(a, view.status) === 'COMPLETED');
    clear(resultBox).append(
      lead
        ? h(
            'section',
            { class: 'card result-box', 'aria-labelledby': 'res-h', dataset: { testid: 'lead-result' } },
            h('h2', { id: 'res-h' }, bi('牵头部门办理结果', 'The lead department’s result')),
            h('p', { class: 'muted small' }, `${catalog.department(lead.departmentId)?.name ?? ''} · 办结于 ${fmtTime(lead.completedAt)}`),
            lead.result ? h('p', { class: 'result' }, lead.result) : null,
          )
        : '',
    );

    clear(left).append(summary, triage, feedback ?? '');
    clear(right).append(assignments, timeline(audit, auditErr));

    const link = fb?.link ? fb : fb?.status === 'GIVEN' ? null : confirmedFeedback;
    const feedbackKey = `${link?.link ?? fb?.status ?? ''}|${view.level}|${pending ? 'pending' : ''}`;
    if (view.status !== lastStatus || feedbackKey !== lastFeedbackKey) {
      lastStatus = view.status;
      lastFeedbackKey = feedbackKey;
      clear(actionsBox).append(link ? feedbackLinkBox(link.link, link.expiresAt, view.id) : '', roleActions(view) ?? '');
    }
  }

  /** The audit timeline, collapsed: its verdict shows, the events open on demand. */
  function timeline(audit, err) {
    const sec = h('details', { class: 'card collapsible', 'data-testid': 'audit' });
    const summaryLine = h('summary', null, h('h2', { id: 'aud-h' }, bi('审计时间线', 'Audit timeline')));
    sec.append(summaryLine);
    if (!audit) {
      sec.append(unavailable(err, ['审计事件流', 'Audit stream']));
      return sec;
    }
    const chain = audit.chain ?? {};
    const count = typeof chain.length === 'number' ? chain.length : audit.events.length;
    summaryLine.append(
      h(
        'span',
        { class: `chain ${chain.valid ? 'ok' : 'bad'}`, 'data-testid': 'chain-verdict' },
        chain.valid ? `✔ 链完整（${count} 条）` : `✘ 第 ${chain.firstBadPosition ?? '?'} 条被篡改`,
        h('span', { class: 'en' }, chain.valid ? 'Hash chain intact' : `Event ${chain.firstBadPosition ?? '?'} was tampered with`),
      ),
    );
    if (!chain.valid) sec.open = true; // a broken chain is never hidden
    // why, as the server found it (which store, which check): Chinese first, English after the slash
    if (!chain.valid && chain.reason) sec.append(h('p', { class: 'small chain-reason', 'data-testid': 'chain-reason' }, chain.reason));
    const bad = chain.valid ? null : chain.firstBadPosition;
    sec.append(
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        audit.events.map((e) => {
          const [zh, en] = label(EVENT_TYPES, e.type);
          const actor = e.actor ?? {};
          const who = actor.org ? (catalog.nameOf(actor.org) ?? label(ROLES, actor.role)[0]) : label(ROLES, actor.role ?? 'system')[0];
          return h(
            'li',
            { class: bad !== null && e.position >= bad ? 'bad' : '', dataset: { type: e.type, position: String(e.position) } },
            h('div', { class: 'row' }, h('strong', null, `${e.position}. ${zh}`), h('span', { class: 'en' }, en)),
            h('div', { class: 'small muted' }, `${fmtTime(e.occurredAt)} · ${who}`),
            eventSummary(e),
          );
        }),
      ),
      techDetails(audit.events.map((e) => [`${e.position}. ${e.type}`, `${e.actor?.sub ? `${e.actor.sub} · ` : ''}#${e.hash ?? ''} ← ${e.prevHash ?? ''}`])),
    );
    return sec;
  }

  function eventSummary(e) {
    const d = e.data ?? {};
    const bits = [];
    if (d.level) bits.push(`级别 ${label(LEVELS, d.level)[0]}色`);
    if (d.to && d.from) bits.push(`${label(LEVELS, d.from)[0]}色 → ${label(LEVELS, d.to)[0]}色`);
    if (Array.isArray(d.assignments)) bits.push(d.assignments.map((a) => catalog.department(a.departmentId)?.name ?? '').filter(Boolean).join('、'));
    if (d.departmentId && catalog.department(d.departmentId)) bits.push(catalog.department(d.departmentId).name);
    if (d.kind && DEADLINE_KIND[d.kind]) bits.push(`${label(DEADLINE_KIND, d.kind)[0]}时限${d.dueAt ? ` ${fmtTime(d.dueAt)}` : ''}`);
    for (const k of ['reason', 'note', 'result', 'comment']) if (typeof d[k] === 'string' && d[k]) bits.push(d[k]);
    if (d.decision) bits.push(d.decision === 'UPHOLD' ? '退单成立' : d.decision === 'REJECT' ? '退单驳回' : d.decision === 'APPROVE' ? '批准' : '不予批准');
    if (d.rating) bits.push(label(RATINGS, d.rating)[0]);
    return bits.length ? h('div', { class: 'small' }, bits.join(' · ')) : null;
  }

  // --- actions by role ----------------------------------------------------------------------------
  function roleActions(view) {
    if (session.role === 'street' && view.streetId === session.org) return streetActions(view);
    if (session.role === 'command-center' || session.role === 'admin') return overrideForm(view);
    return null;
  }

  /** A reason form for an irreversible act: the reason checked here first, then an "are you sure". */
  function reasonForm(titleZh, titleEn, path, confirmText) {
    const reason = h('textarea', { rows: 2, required: true });
    const submit = h('button', { type: 'submit', class: 'btn danger' }, bi(titleZh, titleEn));
    const form = h(
      'form',
      { novalidate: true },
      field('理由', 'Reason', reason, { required: true, name: 'reason', hint: '至少 5 个字 / at least 5 characters' }).wrap,
      h('div', { class: 'form-errors field-error', role: 'alert' }),
      submit,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const problem = reasonProblem(reason.value);
      if (problem) return void showFieldErrors(form, [{ field: 'reason', message: problem }]);
      if (!(await confirmDialog(confirmText[0], confirmText[1], [titleZh, titleEn], 'danger'))) return;
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
        const sure = await confirmDialog('确认问题已解决？确认后哨件办结，所有派单随之关闭，不能撤销；随后请把评价链接交给群众。', 'Confirm the problem is solved? This closes the whistle and cannot be undone.', ['确认解决', 'Confirm']);
        if (!sure) return;
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
        h(
          'details',
          { class: 'card' },
          h('summary', null, bi('未解决？退回重办', 'Not solved? Reopen')),
          reasonForm('退回重办', 'Reopen', `/api/v1/whistles/${id}/reopen`, ['确定退回重办？部门需重新办理。', 'Reopen this whistle? The departments must handle it again.']),
        ),
      );
    } else if (!['RESOLVED', 'WITHDRAWN'].includes(view.status)) {
      box.append(
        h(
          'details',
          { class: 'card' },
          h('summary', null, bi('撤回此哨件', 'Withdraw this whistle')),
          reasonForm('撤回', 'Withdraw', `/api/v1/whistles/${id}/withdraw`, ['确定撤回此哨件？撤回后所有派单取消，不能恢复。', 'Withdraw this whistle? Its assignments are cancelled; this cannot be undone.']),
        ),
      );
    }
    return box;
  }

  function overrideForm(view) {
    if (['RESOLVED', 'WITHDRAWN'].includes(view.status)) return null;
    if (pending) {
      return h(
        'p',
        { class: 'notice warn', role: 'status', dataset: { testid: 'override-pending' } },
        bi(`已改为${label(LEVELS, pending.level)[0]}色，正在按新级别重算时限…`, 'Overridden; the deadlines are being recomputed…'),
      );
    }
    // nothing preselected, and the current level is not a choice (it would be refused)
    const level = h(
      'select',
      { required: true },
      h('option', { value: '' }, '— 请选择新级别 Choose —'),
      LEVEL_CODES.filter((l) => l !== view.level).map((l) => h('option', { value: l }, `${label(LEVELS, l)[0]}色 ${label(LEVELS, l)[1]}`)),
    );
    const reason = h('textarea', { rows: 2, required: true });
    const submit = h('button', { type: 'submit', class: 'btn primary' }, bi('改级', 'Override'));
    const form = h(
      'form',
      { novalidate: true },
      h('p', { class: 'small' }, bi(`当前级别：${view.level ? `${label(LEVELS, view.level)[0]}色` : '未分级'}`, 'Current level')),
      h(
        'div',
        { class: 'inline-fields' },
        field('新级别', 'New level', level, { required: true, name: 'level' }).wrap,
        field('理由', 'Reason', reason, { required: true, name: 'reason', hint: '至少 5 个字 / at least 5 characters' }).wrap,
      ),
      h('div', { class: 'form-errors field-error', role: 'alert' }),
      submit,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const errors = [];
      if (!level.value) errors.push({ field: 'level', message: '请选择新级别 / Choose the new level' });
      const problem = reasonProblem(reason.value);
      if (problem) errors.push({ field: 'reason', message: problem });
      if (errors.length) return void showFieldErrors(form, errors);
      const to = `${label(LEVELS, level.value)[0]}色`;
      if (!(await confirmDialog(`确定把级别从${label(LEVELS, view.level)[0]}色改为${to}？各部门的时限将按${to}重算。`, 'Override the level? The deadlines are recomputed.', ['确定改级', 'Override']))) return;
      submit.disabled = true;
      try {
        const res = await api(`/api/v1/whistles/${id}/triage-override`, { method: 'POST', body: { level: level.value, reason: reason.value.trim() } });
        toastOk(`已改为${to}`, 'Triage overridden');
        // show what changed, not what was: wait (briefly) until the view has the new level and deadlines
        pending = { level: res?.level ?? level.value, deadlines: JSON.stringify(view.deadlines), until: Date.now() + 20000 };
        lastStatus = null;
        await load();
      } catch (err) {
        if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
        toastError(err);
      } finally {
        submit.disabled = false;
      }
    });
    return h('details', { class: 'card', dataset: { testid: 'override' } }, h('summary', null, h('strong', null, bi('调整分级（指挥中心）', 'Override triage'))), form);
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

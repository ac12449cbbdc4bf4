// 群众评价: the resident's one-time page, no sign-in. GET/POST /api/v1/feedback/{token}.
import { api, ApiError } from '../api.js';
import { bi, clear, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { ASSIGNMENT_ROLE, ASSIGNMENT_STATUS, RATINGS, WHISTLE_STATUS, label } from '../labels.js';
import { field, loading } from '../ui.js';

function tokenFromLocation() {
  const m = /^\/feedback\/([^/?#]+)/.exec(location.pathname) ?? /^#\/feedback\/([^/?#]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : '';
}

function sorry(zh, en, kind = 'warn') {
  return h('div', { class: `notice ${kind}`, role: 'status' }, h('p', { style: { margin: 0, fontSize: '1.1rem' } }, bi(zh, en)));
}

function explain(err) {
  if (err instanceof ApiError && err.status === 409) return sorry('该评价链接已使用过，感谢您的反馈！', 'This link has already been used. Thank you!', 'good');
  if (err instanceof ApiError && err.status === 404) return sorry('评价链接无效或已过期。', 'This feedback link is invalid or has expired.');
  if (err instanceof ApiError && err.status === 410) return sorry('评价链接已过期。', 'This feedback link has expired.');
  return sorry(`暂时无法提交：${err.problem?.detail ?? err.message}`, 'Something went wrong; please try again later.', 'bad');
}

/** Render the feedback page into `main` (used by feedback.html and by index.html at /feedback/…). */
export async function mountFeedback(main, token = tokenFromLocation()) {
  clear(main).append(h('h1', null, bi('群众满意度评价', 'How satisfied are you?')), loading());
  if (!token) {
    clear(main).append(h('h1', null, bi('群众满意度评价', 'Feedback')), sorry('链接不完整。', 'The link is incomplete.'));
    return;
  }
  const path = `/api/v1/feedback/${encodeURIComponent(token)}`;
  let summary;
  try {
    summary = await api(path, { auth: false });
  } catch (err) {
    clear(main).append(h('h1', null, bi('群众满意度评价', 'Feedback')), explain(err));
    return;
  }
  const w = summary.whistle ?? summary;
  const pub = summary.progress ?? null;
  const nameOf = (x) => (x && typeof x === 'object' ? x.name : x);
  // the public view only (docs/public.md): the situation's name stands for the street's own title
  const lead = (pub?.departments ?? []).find((d) => d.role === 'LEAD') ?? null;
  const depts = (pub?.departments ?? w.departments ?? []).map((d) => `${d.name}${d.role === 'LEAD' ? '（牵头）' : ''}`).filter(Boolean);
  const place = [nameOf(pub?.street ?? w.street), pub ? (pub.community?.name ?? '未注明社区') : null].filter(Boolean).join(' · ');
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': 'fb-sum', dataset: { testid: 'feedback-summary' } },
    h('h2', { id: 'fb-sum' }, bi('您反映的问题', 'Your report')),
    h('p', { style: { fontSize: '1.1rem', fontWeight: 700 } }, nameOf(pub?.situation ?? w.situation) ?? '—'),
    h(
      'dl',
      { class: 'kv' },
      w.area ? [h('dt', null, '类别'), h('dd', null, nameOf(w.area))] : null,
      place ? [h('dt', null, '地点'), h('dd', null, place)] : null,
      depts.length ? [h('dt', null, '处置部门'), h('dd', null, depts.join('、'))] : null,
      w.createdAt ? [h('dt', null, '反映时间'), h('dd', null, fmtTime(w.createdAt))] : null,
      // when the department finished the work — not when the street confirmed it
      [h('dt', null, '部门办结'), h('dd', { dataset: { testid: 'completed-at' } }, lead?.completedAt ? `${lead.name} 于 ${fmtTime(lead.completedAt)} 办结` : '尚未办结')],
      w.resolvedAt ? [h('dt', null, '街道确认'), h('dd', null, fmtTime(w.resolvedAt))] : null,
    ),
  );
  const follow = progressCard(summary.progress);
  if (w.feedback?.status === 'GIVEN') {
    clear(main).append(h('h1', null, bi('群众满意度评价', 'How satisfied are you?')), card, follow ?? '', sorry('该评价链接已使用过，感谢您的反馈！', 'This link has already been used. Thank you!', 'good'));
    return;
  }
  let rating = '';
  const buttons = Object.entries(RATINGS).map(([code, [zh, en]]) => {
    const b = h('button', { type: 'button', class: 'btn', 'aria-pressed': 'false', dataset: { rating: code } }, h('span', null, zh), h('span', { class: 'en' }, en));
    b.addEventListener('click', () => {
      rating = code;
      for (const x of buttons) x.setAttribute('aria-pressed', String(x === b));
      ratingErr.textContent = '';
    });
    return b;
  });
  const ratingErr = h('div', { class: 'field-error', role: 'alert' });
  const comment = h('textarea', { rows: 4, maxlength: 1000 });
  const submit = h('button', { type: 'submit', class: 'btn primary big block' }, bi('提交评价', 'Submit'));
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('fieldset', null, h('legend', null, bi('您对处理结果是否满意？', 'Are you satisfied with the result?')), h('div', { class: 'rating-buttons', role: 'group' }, buttons), ratingErr),
    field('意见建议（可选）', 'Comment (optional)', comment, { name: 'comment' }).wrap,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!rating) {
      ratingErr.textContent = '请选择满意度 / Please choose a rating';
      buttons[0].focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { rating };
      if (comment.value.trim()) body.comment = comment.value.trim();
      await api(path, { method: 'POST', body, auth: false });
      form.replaceWith(sorry('感谢您的评价！此页面可随时打开查看办理进度。', 'Thank you! Open this page any time to follow the case.', 'good'));
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) form.replaceWith(explain(err));
      else form.prepend(explain(err));
    }
  });
  clear(main).append(h('h1', null, bi('群众满意度评价', 'How satisfied are you?')), card, follow ?? '', form);
}

/** The case's public progress (公示公开, the anonymised view): status and each department's steps. */
function progressCard(p) {
  if (!p) return null;
  const step = (done, zh, at) => h('li', { class: done ? 'done' : '' }, zh, ' ', h('span', { class: 'small muted' }, done ? fmtTime(at) : '—'));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'fb-pg', 'data-testid': 'feedback-progress' },
    h('h2', { id: 'fb-pg' }, bi('办理情况', 'What was done')),
    h('p', null, bi(...label(WHISTLE_STATUS, p.status))),
    p.departments.map((d) =>
      h(
        'div',
        null,
        h('h3', null, d.name, ` · ${label(ASSIGNMENT_ROLE, d.role)[0]}`, h('span', { class: 'small muted' }, ` ${label(ASSIGNMENT_STATUS, d.status)[0]}`)),
        h('ol', { class: 'progress-steps' }, step(true, '接到派单', d.summonedAt), step(!!d.reportedAt, '报到', d.reportedAt), step(!!d.arrivedAt, '到达现场', d.arrivedAt), step(!!d.completedAt, '办结', d.completedAt)),
      ),
    ),
  );
}

/** Hash route #/feedback/<token> inside the console. */
export async function renderFeedbackRoute(main, ctx) {
  await mountFeedback(main, ctx.params[0]);
}

// 部门评价 (street): the "bottom rates top" score — 100 minus the deducted points, each deduction
// with a written reason — POST /api/v1/street-ratings.
import { api, ApiError } from '../api.js';
import { append, bi, h } from '../dom.js';
import { clearErrors, field, periodPicker, showFieldErrors, toastError, toastOk, unavailable } from '../ui.js';

export async function renderRatings(main, ctx) {
  const { catalog } = ctx;
  const period = periodPicker('year');
  const periodField = h('div', { class: 'field' }, h('span', { class: 'label' }, bi('考核周期', 'Period')), period.el, h('div', { class: 'field-error', id: `${(period.el.id = 'period-picker')}-err` }));
  const dept = h('select', { required: true }, h('option', { value: '' }, '— 请选择部门 Choose —'), catalog.departments.map((d) => h('option', { value: d.id }, d.name)));
  const fDept = field('被评价部门', 'Department', dept, { required: true, name: 'departmentId' });
  const rows = h('div', { class: 'list' });
  const rowsErr = h('div', { class: 'field-error', id: 'deductions-err' });
  rows.id = 'deductions';
  rows.dataset.field = 'deductions';
  const score = h('strong', { 'data-testid': 'rating-score', style: { fontSize: '1.6rem' } });
  const paintScore = () => {
    const total = [...rows.querySelectorAll('input[type=number]')].reduce((s, el) => s + (Number(el.value) || 0), 0);
    score.textContent = String(Math.max(0, 100 - total));
  };
  const addRow = () => {
    const i = rows.children.length;
    const points = h('input', { type: 'number', min: 1, max: 100, step: 1, inputmode: 'numeric', required: true, oninput: paintScore });
    const reason = h('input', { type: 'text', required: true, maxlength: 500 });
    const remove = h('button', { type: 'button', class: 'btn danger', onclick: () => { row.remove(); renumber(); paintScore(); } }, bi('删除', 'Remove'));
    const row = h(
      'div',
      { class: 'card deduction' },
      h('div', { class: 'inline-fields' }, field('扣分', 'Points', points, { required: true, name: `deductions.${i}.points` }).wrap, field('扣分理由（至少 5 字）', 'Reason (≥ 5 chars)', reason, { required: true, name: `deductions.${i}.reason` }).wrap),
      remove,
    );
    rows.append(row);
    points.focus();
  };
  const renumber = () => {
    [...rows.children].forEach((row, i) => {
      const [p, r] = row.querySelectorAll('input');
      p.dataset.field = `deductions.${i}.points`;
      r.dataset.field = `deductions.${i}.reason`;
    });
  };
  const comment = h('textarea', { rows: 3, maxlength: 2000 });
  const submit = h('button', { type: 'submit', class: 'btn primary big block' }, bi('提交评价', 'Submit rating'));
  const form = h(
    'form',
    { novalidate: true },
    h('div', { class: 'card' }, periodField, fDept.wrap),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'ded-h' },
      h('div', { class: 'row spread' }, h('h2', { id: 'ded-h' }, bi('扣分项', 'Deductions')), h('span', null, bi('得分', 'Score'), ' ', score)),
      h('p', { class: 'small muted' }, bi('满分 100，每一项扣分都必须写明理由。', 'Starts at 100; every deducted point needs a written reason.')),
      rows,
      rowsErr,
      h('button', { type: 'button', class: 'btn', onclick: addRow }, bi('＋ 添加扣分项', 'Add a deduction')),
    ),
    h('div', { class: 'card' }, field('评价意见', 'Comment', comment, { name: 'comment' }).wrap),
    h('div', { class: 'form-errors field-error', role: 'alert' }),
    submit,
  );
  paintScore();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const deductions = [...rows.children].map((row) => {
      const [p, r] = row.querySelectorAll('input');
      return { points: Number(p.value), reason: r.value.trim() };
    });
    const errors = [];
    if (!dept.value) errors.push({ field: 'departmentId', message: '请选择部门 / Choose a department' });
    deductions.forEach((d, i) => {
      if (!Number.isInteger(d.points) || d.points < 1 || d.points > 100) errors.push({ field: `deductions.${i}.points`, message: '扣分为 1–100 的整数 / 1–100' });
      if ([...d.reason].length < 5) errors.push({ field: `deductions.${i}.reason`, message: '理由至少 5 个字 / At least 5 characters' });
    });
    if (errors.length) return void showFieldErrors(form, errors);
    const body = { period: period.value(), departmentId: dept.value, deductions };
    if (comment.value.trim()) body.comment = comment.value.trim();
    submit.disabled = true;
    try {
      const res = await api('/api/v1/street-ratings', { method: 'POST', body });
      toastOk(`已提交：${catalog.department(dept.value)?.name ?? ''} ${body.period} 得分 ${res?.score ?? score.textContent}`, 'Rating saved');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && err.isMissingEndpoint) {
        form.prepend(unavailable(err, ['部门评价', 'Street ratings']));
      } else {
        if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
        toastError(err);
      }
    } finally {
      submit.disabled = false;
    }
  });

  append(
    main,
    h('h1', null, bi('部门履职评价', 'Rate the departments')),
    h('p', { class: 'muted' }, bi('面向基层履职服务感知度（占部门考核 30%）。同一周期、同一部门可再次提交以修订。', 'Perceived service to the grassroots (30%). Submitting again revises the rating.')),
    form,
  );
}

// 考核评价 (assessment office): the 50/20/30 scorecards with grades and explanations (明细, in plain
// words: explanations.js), CSV/XLSX export, and closing a period — set apart from the downloads,
// behind a confirmation.
import { api, download } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { explanationItem } from '../explanations.js';
import { fmtNumber, fmtPeriod, fmtTime } from '../format.js';
import { confirmDialog, gradeBadge, loading, periodPicker, toastError, toastOk, unavailable } from '../ui.js';

export async function renderScorecards(main, ctx) {
  const { catalog, session } = ctx;
  const period = periodPicker('quarter');
  const asOf = h('input', { type: 'datetime-local', step: 1, 'aria-label': '截至时间（可选）asOf' });
  asOf.style.width = 'auto';
  const show = h('button', { type: 'submit', class: 'btn primary' }, bi('查询', 'Show'));
  const csv = h('button', { type: 'button', class: 'btn' }, bi('下载 CSV', 'CSV'));
  const xlsx = h('button', { type: 'button', class: 'btn' }, bi('下载 Excel', 'XLSX'));
  const close = session.role === 'assessment-office' ? h('button', { type: 'button', class: 'btn danger' }, bi('关闭考核期', 'Close period')) : null;
  const controls = h(
    'form',
    { class: 'card', 'aria-label': '考核查询 Scorecard query' },
    h('div', { class: 'field' }, h('span', { class: 'label' }, bi('考核周期', 'Period')), period.el),
    h('div', { class: 'field' }, h('label', { for: (asOf.id = 'asof') }, bi('截至时间（可选，北京时间）', 'As of (optional, Beijing time)')), asOf),
    h('div', { class: 'actions' }, show),
  );
  const downloads = h('section', { class: 'card', 'aria-labelledby': 'dl-h' }, h('h2', { id: 'dl-h' }, bi('下载', 'Download')), h('div', { class: 'actions' }, csv, xlsx));
  // the irreversible act, away from the downloads
  const closeZone = close
    ? h(
        'section',
        { class: 'card danger-zone', 'aria-labelledby': 'close-h' },
        h('h2', { id: 'close-h' }, bi('关闭考核期', 'Close the period')),
        h('p', { class: 'small' }, bi('关闭后该周期的得分冻结，街道不能再提交评价；不能撤销。', 'Freezes the scores; cannot be undone.')),
        close,
      )
    : null;
  const out = h('div');
  append(main, h('h1', null, bi('考核评价', 'Scorecards')), h('p', { class: 'muted small' }, bi('完成率 50% · 群众满意度 20% · 基层感知度 30%', 'Completion 50% · satisfaction 20% · perception 30%')), controls, out, downloads, closeZone);

  const query = (format) => {
    const q = { period: period.value() };
    if (asOf.value) q.asOf = new Date(`${asOf.value}${asOf.value.length === 16 ? ':00' : ''}+08:00`).toISOString();
    if (format) q.format = format;
    return q;
  };

  async function load() {
    clear(out).append(loading());
    try {
      const card = await api('/api/v1/assessment/scorecards', { query: query() });
      if (!ctx.isCurrent()) return;
      paint(card);
    } catch (err) {
      clear(out).append(unavailable(err, ['考核评分', 'Scorecards']));
    }
  }

  function comp(c, key = 'score') {
    return c && c[key] !== null && c[key] !== undefined ? fmtNumber(c[key]) : '—';
  }

  function paint(card) {
    const rows = card.rows ?? [];
    const table = h(
      'table',
      { class: 'cards' },
      h('caption', { class: 'visually-hidden' }, '部门考核得分 Department scorecards'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'num' }, '名次'),
          h('th', { scope: 'col' }, '部门'),
          h('th', { scope: 'col', class: 'num' }, '完成 50%'),
          h('th', { scope: 'col', class: 'num' }, '满意 20%'),
          h('th', { scope: 'col', class: 'num' }, '感知 30%'),
          h('th', { scope: 'col', class: 'num' }, '总分'),
          h('th', { scope: 'col' }, '等级'),
          h('th', { scope: 'col' }, '说明'),
        ),
      ),
    );
    const tbody = h('tbody');
    for (const r of rows) {
      const expl = r.explanations ?? [];
      const detailRow = h('tr', { class: 'expl', hidden: true }, h('td', { colspan: 8 }));
      // built on first open: each lost point names its whistle by title (one read per whistle)
      const fillDetail = () => {
        if (detailRow.firstChild.firstChild) return;
        detailRow.firstChild.append(expl.length ? h('ul', { class: 'lost-points' }, expl.map((x) => explanationItem(x, catalog))) : h('span', { class: 'muted' }, bi('无失分', 'No points lost')));
      };
      const toggle = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false' }, `明细（${expl.length} 项失分）`);
      toggle.addEventListener('click', () => {
        fillDetail();
        detailRow.hidden = !detailRow.hidden;
        toggle.setAttribute('aria-expanded', String(!detailRow.hidden));
      });
      const c = r.completion ?? {};
      tbody.append(
        h(
          'tr',
          null,
          h('td', { class: 'num', 'data-label': '名次 Rank' }, r.insufficientSample ? '样本不足' : String(r.rank ?? '—')),
          h('th', { scope: 'row' }, r.name ?? catalog.department(r.departmentId)?.name ?? r.departmentId),
          h('td', { class: 'num', 'data-label': '完成率 50%', title: `计入 ${c.counted ?? 0}，按时 ${c.onTime ?? 0}，超时 ${c.late ?? 0}，未完成 ${c.missed ?? 0}，不计 ${c.excluded ?? 0}` }, comp(r.completion), h('div', { class: 'small muted' }, `${c.onTime ?? 0}/${c.counted ?? 0}`)),
          h('td', { class: 'num', 'data-label': '满意度 20%' }, comp(r.satisfaction), h('div', { class: 'small muted' }, `${r.satisfaction?.responses ?? 0} 条`)),
          h('td', { class: 'num', 'data-label': '感知度 30%' }, comp(r.perception), h('div', { class: 'small muted' }, `${r.perception?.ratings ?? 0} 条`)),
          h('td', { class: 'num', 'data-label': '总分 Total' }, h('strong', null, r.total === null || r.total === undefined ? '—' : fmtNumber(r.total))),
          h('td', { 'data-label': '等级 Grade' }, gradeBadge(r.grade)),
          h('td', { 'data-label': '失分说明' }, toggle),
        ),
        detailRow,
      );
    }
    table.append(tbody);
    clear(out).append(
      h('p', { class: 'small muted' }, `${fmtPeriod(card.period)} · 评分办法第 ${card.policyVersion ?? '?'} 版 · 截至 ${fmtTime(card.asOf)}${card.closed || card.closedAt ? ' · 已关闭' : ''}${card.version ? ` · 考核表第 ${card.version} 版${card.amendedBy ? '（经申诉修订）' : ''}` : ''}`),
      rows.length ? h('div', { class: 'table-wrap card', style: { padding: '0' } }, table) : h('p', { class: 'notice' }, bi('该周期暂无数据。', 'No data for this period.')),
    );
  }

  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  const exportAs = async (format, btn) => {
    btn.disabled = true;
    try {
      const name = await download('/api/v1/assessment/scorecards', query(format), `scorecards-${period.value()}.${format}`);
      toastOk(`已下载 ${name}`, 'Downloaded');
    } catch (err) {
      toastError(err);
    } finally {
      btn.disabled = false;
    }
  };
  csv.addEventListener('click', () => void exportAs('csv', csv));
  xlsx.addEventListener('click', () => void exportAs('xlsx', xlsx));
  close?.addEventListener('click', async () => {
    const p = period.value();
    const ok = await confirmDialog(`确定关闭考核期 ${fmtPeriod(p)}？关闭后该周期的得分将冻结，街道不能再提交评价，不能撤销。`, `Close period ${p}? Its scores are frozen.`, ['关闭考核期', 'Close period'], 'danger');
    if (!ok) return;
    try {
      await api(`/api/v1/assessment/periods/${encodeURIComponent(p)}/close`, { method: 'POST', body: {} });
      toastOk(`考核期 ${fmtPeriod(p)} 已关闭`, 'Period closed');
      await load();
    } catch (err) {
      toastError(err);
    }
  });
  await load();
}

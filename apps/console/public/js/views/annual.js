// 年度考核 (assessment office, command center): the annual grade from the quarters (or months)
// weighted by counted assignments, with the share it brings to the annual performance grade.
import { api, download } from '../api.js';
import { append, bi, clear, h } from '../dom.js';
import { currentPeriod, fmtNumber, fmtTime } from '../format.js';
import { gradeBadge, loading, toastError, toastOk, unavailable } from '../ui.js';

export async function renderAnnual(main, ctx) {
  const year = h('select', { 'aria-label': '年度 Year' });
  const thisYear = Number(currentPeriod('year'));
  for (let y = thisYear; y >= thisYear - 4; y -= 1) year.append(h('option', { value: String(y) }, `${y}年`));
  year.style.width = 'auto';
  const show = h('button', { type: 'submit', class: 'btn primary' }, bi('查询', 'Show'));
  const csv = h('button', { type: 'button', class: 'btn' }, bi('下载 CSV', 'CSV'));
  const xlsx = h('button', { type: 'button', class: 'btn' }, bi('下载 Excel', 'XLSX'));
  const controls = h('form', { class: 'card', 'aria-label': '年度考核查询 Annual query' }, h('div', { class: 'field' }, h('label', { for: (year.id = 'annual-year') }, bi('年度', 'Year')), year), h('div', { class: 'actions' }, show, csv, xlsx));
  const out = h('div');
  append(main, h('h1', null, bi('年度考核', 'Annual grade')), h('p', { class: 'muted small' }, bi('各期总分按计入件数加权；年度绩效贡献分 = 年度得分 × 占比', 'Period totals weighted by counted assignments; contribution = score × share')), controls, out);

  async function load() {
    clear(out).append(loading());
    try {
      const report = await api('/api/v1/assessment/annual', { query: { year: year.value } });
      if (ctx.isCurrent()) paint(report);
    } catch (err) {
      clear(out).append(unavailable(err, ['年度考核', 'Annual grade']));
    }
  }

  function paint(report) {
    const periods = report.periods ?? [];
    const head = h(
      'tr',
      null,
      h('th', { scope: 'col', class: 'num' }, '名次'),
      h('th', { scope: 'col' }, '部门'),
      h('th', { scope: 'col', class: 'num' }, '年度得分'),
      h('th', { scope: 'col', class: 'num' }, '计入件数'),
      h('th', { scope: 'col' }, '等级'),
      h('th', { scope: 'col', class: 'num' }, `贡献分（×${report.annualShare}）`),
      periods.map((p) => h('th', { scope: 'col', class: 'num' }, p.period)),
    );
    const body = h(
      'tbody',
      null,
      (report.rows ?? []).map((r) =>
        h(
          'tr',
          null,
          h('td', { class: 'num', 'data-label': '名次 Rank' }, r.insufficientSample ? '样本不足' : String(r.rank ?? '—')),
          h('th', { scope: 'row' }, r.name),
          h('td', { class: 'num', 'data-label': '年度得分 Score' }, h('strong', null, fmtNumber(r.score))),
          h('td', { class: 'num', 'data-label': '计入件数 Counted' }, String(r.counted)),
          h('td', { 'data-label': '等级 Grade' }, gradeBadge(r.grade)),
          h('td', { class: 'num', 'data-label': '贡献分 Contribution' }, fmtNumber(r.annualContribution)),
          periods.map((p) => {
            const x = (r.periods ?? []).find((y) => y.period === p.period);
            return h('td', { class: 'num', 'data-label': p.period }, fmtNumber(x?.total ?? null), h('div', { class: 'small muted' }, `${x?.counted ?? 0} 件`));
          }),
        ),
      ),
    );
    clear(out).append(
      h('p', { class: 'small muted' }, `${report.year} 年 · 评分办法 v${report.policyVersion} · 由${report.annualFrom === 'MONTHS' ? '月度' : '季度'}合成 · 截至 ${fmtTime(report.asOf)} · 所用各期：${periods.map((p) => `${p.period}（v${p.policyVersion}${p.closedAt ? '，已关闭' : ''}）`).join('、') || '无'}`),
      h('div', { class: 'table-wrap card', style: { padding: '0' } }, h('table', { class: 'cards', 'data-testid': 'annual' }, h('thead', null, head), body)),
    );
  }

  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  const exportAs = async (format, btn) => {
    btn.disabled = true;
    try {
      const name = await download('/api/v1/assessment/annual', { year: year.value, format }, `annual-${year.value}.${format}`);
      toastOk(`已下载 ${name}`, 'Downloaded');
    } catch (err) {
      toastError(err);
    } finally {
      btn.disabled = false;
    }
  };
  csv.addEventListener('click', () => void exportAs('csv', csv));
  xlsx.addEventListener('click', () => void exportAs('xlsx', xlsx));
  await load();
}

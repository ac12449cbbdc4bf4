// A lost point (a scorecard explanation, contract §7) in plain words, built from its fields — never
// its id-laden `message`: what was lost, when (Beijing time), which street, and the whistle by its
// title. Used by 考核评价 明细 and 我的考核; the ids stay behind 技术详情.
import { api } from './api.js';
import { bi, h } from './dom.js';
import { fmtNumber, fmtTime } from './format.js';
import { COMPONENTS, LOST_POINT_KIND, RATINGS, label } from './labels.js';
import { techDetails } from './ui.js';

const titles = new Map();

/** The whistle's title (fetched once per page load); its situation's name when it cannot be read. */
function whistleTitle(id) {
  if (!titles.has(id)) titles.set(id, api(`/api/v1/whistles/${id}`).then((w) => w?.title ?? null, () => null));
  return titles.get(id);
}

/** A link to the whistle, named by its title as soon as it is known. */
export function whistleLink(id) {
  const a = h('a', { href: `#/whistles/${id}` }, '查看哨件');
  void whistleTitle(id).then((t) => {
    if (t) a.textContent = `哨件：${t}`;
  });
  return a;
}

/** The plain words of one lost point. */
export function explanationText(x, catalog) {
  const [kindZh, kindEn] = label(LOST_POINT_KIND, x.kind);
  const bits = [];
  if (x.component === 'completion') {
    bits.push(`办结时限 ${fmtTime(x.deadline)}`);
    bits.push(x.completedAt ? `办结于 ${fmtTime(x.completedAt)}` : x.kind === 'CLOSED' ? '时限前随哨件关闭' : '截至考核时点未办结');
    for (const e of x.extensions ?? []) if (e?.until) bits.push(`经批准延期至 ${fmtTime(e.until)}`);
  } else if (x.component === 'satisfaction') {
    bits.push(`群众评价“${label(RATINGS, x.rating)[0]}”`);
  } else if (x.component === 'perception') {
    bits.push(`${x.streetName ?? catalog.street(x.streetId)?.name ?? '街道'}扣 ${x.points} 分：${x.reason}`);
  }
  const [compZh] = label(COMPONENTS, x.component);
  const impact = typeof x.componentImpact === 'number' && x.componentImpact > 0 ? `${compZh} −${fmtNumber(x.componentImpact)}` : compZh;
  return [h('strong', null, kindZh), h('span', { class: 'en' }, kindEn), ' ', h('span', null, bits.join('，')), h('span', { class: 'small muted' }, `（${impact}）`)];
}

/** One lost point as a list item: the words, the whistle, and the ids behind 技术详情. */
export function explanationItem(x, catalog, extra = null) {
  return h(
    'li',
    { class: x.restoredOnAppeal ? 'restored' : null },
    explanationText(x, catalog),
    x.restoredOnAppeal ? h('span', { class: 'badge gr-EXCELLENT' }, bi('经申诉恢复', 'Restored on appeal')) : null,
    x.whistleId ? [' ', whistleLink(x.whistleId)] : null,
    extra,
    techDetails([
      ['哨件编号 Whistle', x.whistleId],
      ['派单编号 Assignment', x.assignmentId],
      ['评价编号 Feedback', x.feedbackId],
      ['街道评价编号 Rating', x.ratingId],
      ['申诉编号 Appeal', x.restoredOnAppeal],
    ]),
  );
}

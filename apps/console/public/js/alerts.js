// Alerts pushed by the server (GET /api/v1/alerts/stream, server-sent events; issue #30 item 6):
// count badges on the navigation and in-page notices as a department's deadline approaches. One
// stream per page load, not a poll per page. The notices sit outside any ticking live region: each
// is announced once, when it appears.
import { bi, h } from './dom.js';
import { label, DEADLINE_KIND } from './labels.js';

let source = null;
/** The last counts: which nav link shows which number. */
const badges = new Map();

const BADGE_OF = {
  needingAction: '#/assignments',
  overdue: '#/board',
  disputed: '#/disputes',
  extensionsPending: '#/extensions',
};

/** Puts the current counts on the navigation's links (called whenever the header is drawn). */
export function applyBadges(nav = document.getElementById('nav')) {
  if (!nav) return;
  for (const a of nav.querySelectorAll('a[href]')) {
    a.querySelector('.nav-badge')?.remove();
    const n = badges.get(a.getAttribute('href'));
    if (n > 0) a.append(h('span', { class: 'nav-badge', 'data-testid': `badge-${a.getAttribute('href').slice(2)}` }, String(n), h('span', { class: 'visually-hidden' }, ' 项待处理')));
  }
}

function noticeBox() {
  let box = document.getElementById('alert-notices');
  if (!box) {
    box = h('div', { id: 'alert-notices', class: 'alert-notices' });
    document.querySelector('header')?.after(box);
  }
  return box;
}

function showNotice(n) {
  const kind = label(DEADLINE_KIND, n.kind)[0];
  const title = n.title ? `“${n.title}”` : '派单';
  const text =
    n.stage === 'missed'
      ? bi(`${title}的${kind}时限已超时。`, `The ${n.kind.toLowerCase()} deadline has passed.`)
      : bi(`${title}的${kind}时限还剩约 ${n.stage} 分钟。`, `${n.stage} minutes left to ${n.kind.toLowerCase()}.`);
  const close = h('button', { type: 'button', class: 'btn', 'aria-label': '关闭提醒 Dismiss' }, '×');
  const note = h(
    'div',
    { class: `alert-notice ${n.stage === 'missed' ? 'bad' : 'warn'}`, role: 'alert', 'data-testid': 'deadline-notice' },
    h('p', null, text, ' ', h('a', { href: `#/whistles/${n.whistleId}` }, bi('查看', 'Open'))),
    close,
  );
  close.addEventListener('click', () => note.remove());
  const box = noticeBox();
  // keep the latest few; the oldest go first
  box.append(note);
  while (box.children.length > 3) box.firstElementChild.remove();
}

/** Opens the stream for a signed-in person whose role has alerts (departments and the district offices). */
export function startAlerts(session) {
  if (source || !['department', 'command-center', 'assessment-office', 'admin'].includes(session.role) || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/v1/alerts/stream');
  source.addEventListener('counts', (e) => {
    const counts = JSON.parse(e.data);
    badges.clear();
    for (const [key, href] of Object.entries(BADGE_OF)) if (typeof counts[key] === 'number') badges.set(href, counts[key]);
    applyBadges();
  });
  source.addEventListener('deadline', (e) => showNotice(JSON.parse(e.data)));
  // EventSource reconnects by itself (retry: 5000); a closed stream (401 after sign-out) stays closed
}

export function stopAlerts() {
  source?.close();
  source = null;
  badges.clear();
  applyBadges();
}

// The console shell: who is signed in (GET /auth/me), role-based navigation, alerts and hash
// routing (#/whistles/<id> …), so that only "/" needs to be served. "/feedback/<token>" is handled
// here too (resident page).
import { forget, getSession, loadSession, setUnauthorizedHandler, signOut } from './api.js';
import { applyBadges, startAlerts, stopAlerts } from './alerts.js';
import { loadCatalog } from './catalog.js';
import { bi, clear, h } from './dom.js';
import { fmtTime } from './format.js';
import { ROLES, label } from './labels.js';
import { startCountdownTicker, toast, unavailable } from './ui.js';

const NAV = {
  street: [
    ['#/blow', '吹哨', 'Blow'],
    ['#/whistles', '我的哨件', 'My whistles'],
    ['#/ratings', '部门评价', 'Rate departments'],
  ],
  department: [
    ['#/assignments', '我的派单', 'My assignments'],
    ['#/my-score', '我的考核', 'My score'],
  ],
  'command-center': [
    ['#/board', '红黄蓝看板', 'Board'],
    ['#/whistles', '哨件', 'Whistles'],
    ['#/disputes', '退单裁决', 'Disputes'],
    ['#/extensions', '延期审批', 'Extensions'],
    ['#/scorecards', '考核', 'Scorecards'],
    ['#/annual', '年度考核', 'Annual'],
    ['#/analytics', '分析研判', 'Analytics'],
  ],
  'assessment-office': [
    ['#/scorecards', '考核评价', 'Scorecards'],
    ['#/annual', '年度考核', 'Annual'],
    ['#/appeals', '申诉处理', 'Appeals'],
    ['#/analytics', '分析研判', 'Analytics'],
    ['#/whistles', '哨件', 'Whistles'],
  ],
  admin: [
    ['#/board', '看板', 'Board'],
    ['#/whistles', '哨件', 'Whistles'],
    ['#/disputes', '退单裁决', 'Disputes'],
    ['#/extensions', '延期申请', 'Extensions'],
    ['#/scorecards', '考核', 'Scorecards'],
    ['#/analytics', '分析研判', 'Analytics'],
  ],
};

const HOME = { street: '#/whistles', department: '#/assignments', 'command-center': '#/board', 'assessment-office': '#/scorecards', admin: '#/board' };

/** [pattern, module, export, roles allowed (null = any signed-in role)] */
const ROUTES = [
  [/^\/signin(?:\/(failed))?$/, './views/signin.js', 'renderSignIn', 'public'],
  [/^\/feedback\/([^/]+)$/, './views/feedback.js', 'renderFeedbackRoute', 'public'],
  [/^\/blow$/, './views/blow.js', 'renderBlow', ['street']],
  [/^\/whistles$/, './views/whistles.js', 'renderWhistleList', null],
  [/^\/whistles\/([0-9a-fA-F-]{36})$/, './views/whistle-detail.js', 'renderWhistleDetail', null],
  [/^\/ratings$/, './views/ratings.js', 'renderRatings', ['street']],
  [/^\/assignments$/, './views/assignments.js', 'renderAssignments', ['department', 'command-center', 'admin']],
  [/^\/disputes$/, './views/assignments.js', 'renderDisputes', ['command-center', 'admin']],
  [/^\/extensions$/, './views/extensions.js', 'renderExtensions', ['command-center', 'admin']],
  [/^\/board$/, './views/board.js', 'renderBoard', ['command-center', 'admin', 'assessment-office']],
  [/^\/scorecards$/, './views/scorecards.js', 'renderScorecards', ['assessment-office', 'command-center', 'admin']],
  [/^\/analytics$/, './views/analytics.js', 'renderAnalytics', ['assessment-office', 'command-center', 'admin']],
  [/^\/annual$/, './views/annual.js', 'renderAnnual', ['assessment-office', 'command-center', 'admin']],
  [/^\/appeals$/, './views/appeals.js', 'renderAppeals', ['assessment-office', 'command-center', 'admin']],
  [/^\/my-score$/, './views/my-score.js', 'renderMyScore', ['department']],
];

let cleanups = [];
let renderSeq = 0;

function runCleanups() {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      /* ignore */
    }
  }
  cleanups = [];
}

function renderHeader(session, catalog, path) {
  const who = clear(document.getElementById('who'));
  const nav = clear(document.getElementById('nav'));
  if (!session) return;
  const [roleZh, roleEn] = label(ROLES, session.role);
  const orgName = session.organisation?.name ?? (session.org ? (catalog?.nameOf(session.org) ?? '') : '');
  who.append(
    h(
      'span',
      { 'data-testid': 'whoami', title: session.expiresAt ? `${session.name} · 登录有效至 ${fmtTime(session.expiresAt)} / signed in until` : session.name },
      h('strong', null, orgName || roleZh),
      orgName ? ` · ${roleZh}` : '',
      h('span', { class: 'en' }, roleEn),
    ),
    h('button', { type: 'button', class: 'btn', onclick: () => { stopAlerts(); void signOut(); } }, bi('退出', 'Sign out')),
  );
  for (const [href, zh, en] of NAV[session.role] ?? []) {
    const current = path === href.slice(1) || (href !== '#/' && path.startsWith(`${href.slice(1)}/`));
    nav.append(h('a', { href, 'aria-current': current ? 'page' : null }, zh, h('span', { class: 'en' }, en)));
  }
  applyBadges(nav);
}

/** Who is signed in: asked of the gateway once per page load, and again after a 401. */
let sessionLoaded = false;
async function currentSession() {
  if (!sessionLoaded) {
    await loadSession();
    sessionLoaded = true;
    const session = getSession();
    if (session) startAlerts(session);
  }
  return getSession();
}

async function route() {
  const seq = ++renderSeq;
  runCleanups();
  const main = document.getElementById('main');
  // "/feedback/<token>" served as a page (not a hash): the resident page, no sign-in.
  const pathMatch = /^\/feedback\/([^/]+)\/?$/.exec(location.pathname);
  if (pathMatch) {
    const { mountFeedback } = await import('./views/feedback.js');
    clear(document.getElementById('nav'));
    mountFeedback(main, decodeURIComponent(pathMatch[1]));
    return;
  }
  // the hash's query holds a list's filters (url-state.js), not part of the route
  const path = (location.hash.replace(/^#/, '').replace(/\?.*$/, '') || '/').replace(/\/+$/, '') || '/';
  let session;
  try {
    session = await currentSession();
  } catch (err) {
    if (seq !== renderSeq) return;
    clear(main).append(h('h1', null, bi('无法连接服务器', 'Cannot reach the server')), unavailable(err, ['登录', 'Sign-in']));
    return;
  }
  if (seq !== renderSeq) return;
  let catalog = null;
  if (session) {
    try {
      catalog = await loadCatalog();
    } catch (err) {
      if (seq !== renderSeq) return;
      renderHeader(session, null, path);
      clear(main).append(h('h1', null, bi('无法加载目录', 'Cannot load the catalog')), unavailable(err, ['目录', 'Catalog']));
      return;
    }
  }
  if (seq !== renderSeq) return;
  renderHeader(session, catalog, path);
  if (path === '/') {
    // back from the identity provider: to the page that asked for a sign-in, else the role's home
    const after = session ? sessionStorage.getItem('chuishao.after') : null;
    if (after) sessionStorage.removeItem('chuishao.after');
    location.replace(session ? (after && !after.startsWith('#/signin') ? after : (HOME[session.role] ?? '#/whistles')) : '#/signin');
    return;
  }
  const found = ROUTES.map(([re, mod, fn, roles]) => ({ m: re.exec(path), mod, fn, roles })).find((r) => r.m);
  if (!found) {
    clear(main).append(h('h1', null, bi('页面不存在', 'Page not found')), h('p', null, h('a', { href: '#/' }, bi('返回首页', 'Home'))));
    return;
  }
  if (found.roles !== 'public' && !session) {
    sessionStorage.setItem('chuishao.after', location.hash);
    location.replace('#/signin');
    return;
  }
  if (Array.isArray(found.roles) && !found.roles.includes(session.role)) {
    clear(main).append(
      h('h1', null, bi('无权访问', 'Not allowed')),
      h('p', { class: 'notice bad' }, bi(`当前角色（${label(ROLES, session.role)[0]}）不能使用此页面。`, 'Your role cannot use this page.')),
    );
    return;
  }
  const mod = await import(found.mod);
  if (seq !== renderSeq) return;
  clear(main);
  const ctx = {
    session,
    catalog,
    params: found.m.slice(1).map(decodeURIComponent),
    onCleanup: (fn) => cleanups.push(fn),
    isCurrent: () => seq === renderSeq,
    home: session ? HOME[session.role] : '#/signin',
    rerender: () => route(),
  };
  try {
    await mod[found.fn](main, ctx);
  } catch (err) {
    if (seq !== renderSeq) return;
    main.append(unavailable(err, ['页面', 'Page']));
  }
  if (seq === renderSeq && document.activeElement === document.body) main.focus({ preventScroll: true });
}

setUnauthorizedHandler(() => {
  // the session ended at the gateway (expired, signed out elsewhere): back to the sign-in page,
  // said once; a full sign-in reloads the page, so the notice never outlives it
  const wasSignedIn = getSession() !== null;
  forget();
  stopAlerts();
  if (location.hash.startsWith('#/signin')) return;
  if (wasSignedIn) toast(bi('登录已失效，请重新登录。', 'Your session has expired; please sign in again.'), 'error');
  location.hash = '#/signin';
});

startCountdownTicker();
window.addEventListener('hashchange', route);
void route();

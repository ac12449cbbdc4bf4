// Sign-in: paste a JWT; its payload is decoded (not verified) to show role and organisation.
import { decodeJwt, getSession, signIn, signOut } from '../api.js';
import { loadCatalog } from '../catalog.js';
import { append, bi, h } from '../dom.js';
import { ROLES, label } from '../labels.js';
import { field, toastError } from '../ui.js';

export async function renderSignIn(main) {
  const current = getSession();
  const input = h('textarea', { rows: 4, name: 'token', autocomplete: 'off', spellcheck: 'false', placeholder: 'eyJhbGciOi…', class: 'mono', required: true });
  const f = field('访问令牌（JWT）', 'Access token (JWT)', input, { required: true, name: 'token' });
  const preview = h('div', { class: 'small', 'aria-live': 'polite' });
  input.addEventListener('input', async () => {
    preview.textContent = '';
    f.error.textContent = '';
    const text = input.value.trim();
    if (!text) return;
    try {
      const claims = decodeJwt(text);
      const [zh, en] = label(ROLES, claims.role);
      let org = claims.org ?? '';
      if (org && getSession()) {
        try {
          org = (await loadCatalog()).nameOf(org) ?? org;
        } catch {
          /* catalog needs a token; show the id */
        }
      }
      preview.replaceChildren(bi(`角色：${zh}${org ? `　机构：${org}` : ''}`, `Role: ${en}`));
    } catch (err) {
      f.error.textContent = err.message;
    }
  });
  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'signin-title' },
    f.wrap,
    preview,
    h(
      'div',
      { class: 'hint' },
      h('p', { style: { margin: '0 0 6px' } }, bi('开发环境可在项目目录运行以下命令获取令牌：', 'In development, print a token with:')),
      h('code', { class: 'mono' }, 'npm run token -- street QUANYECHANG'),
      h('br'),
      h('code', { class: 'mono' }, 'npm run token -- department FIRE_RESCUE'),
      h('br'),
      h('code', { class: 'mono' }, 'npm run token -- command-center'),
      h('br'),
      h('code', { class: 'mono' }, 'npm run token -- assessment-office'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary big' }, bi('登录', 'Sign in'))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      signIn(input.value);
      // verify against the server once (catalog is readable by every role)
      await loadCatalog();
      const after = sessionStorage.getItem('chuishao.after');
      sessionStorage.removeItem('chuishao.after');
      location.hash = after && !after.startsWith('#/signin') ? after : '#/';
    } catch (err) {
      signOut();
      if (err instanceof Error && err.name !== 'ApiError') f.error.textContent = err.message;
      else toastError(err);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  append(main, 
    h('h1', { id: 'signin-title' }, bi('登录', 'Sign in')),
    current ? h('p', { class: 'notice' }, bi(`已登录为 ${label(ROLES, current.role)[0]}，可粘贴新令牌切换身份。`, 'Already signed in; paste another token to switch.')) : null,
    form,
  );
  input.focus();
}

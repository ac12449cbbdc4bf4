// Sign-in: one button to the identity provider, through the gateway (contract §16). The console
// never sees a token: the gateway keeps it and gives the browser an HttpOnly session cookie.
import { getSession, signIn } from '../api.js';
import { append, bi, h } from '../dom.js';
import { ROLES, label } from '../labels.js';

export async function renderSignIn(main, ctx) {
  const current = getSession();
  const failed = ctx?.params?.[0] === 'failed';
  const button = h('button', { type: 'button', class: 'btn primary big', onclick: () => signIn() }, bi('登录', 'Sign in'));
  append(
    main,
    h('h1', { id: 'signin-title' }, bi('登录', 'Sign in')),
    failed
      ? h('p', { class: 'notice bad', role: 'alert' }, bi('登录未完成，请重试。如仍失败，请联系管理员。', 'The sign-in did not complete; please try again, or ask your administrator.'))
      : null,
    current
      ? h('p', { class: 'notice' }, bi(`已登录：${current.organisation?.name ?? label(ROLES, current.role)[0]}。`, 'You are already signed in.'))
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'signin-title' },
      h('p', null, bi('使用单位统一身份认证账号登录。', 'Sign in with your organisation account.')),
      h('div', { class: 'actions' }, button),
    ),
  );
  button.focus();
}

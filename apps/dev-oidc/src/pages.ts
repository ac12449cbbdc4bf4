import type { DevAccount } from './accounts';

/** HTML-escapes text for element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function page(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)} · 吹哨报到</title>
  <link rel="stylesheet" href="/static/dev-oidc.css">
  <link rel="icon" href="data:,">
</head>
<body>
  <main class="card">
    <p class="brand">吹哨报到 <span class="en">Chuishao</span></p>
${body}
  </main>
${script ? `  <script src="${script}"></script>\n` : ''}</body>
</html>`;
}

/** The sign-in form of one interaction (Chinese first; no inline script or style). */
export function loginPage(uid: string, accounts: DevAccount[], error?: string, username = ''): string {
  const rows = accounts.map((a) => `<li><code>${esc(a.username)}</code> ${esc(a.name)}</li>`).join('');
  return page(
    '登录',
    `    <h1>登录 <span class="en">Sign in</span></h1>
    <p class="dev">开发环境的身份提供方，仅供本机开发和测试。<span class="en">Development identity provider, for local development and tests only.</span></p>
    ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
    <form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
      <label for="username">用户名 <span class="en">Username</span></label>
      <input id="username" name="username" required autofocus autocapitalize="none" spellcheck="false" value="${esc(username)}">
      <label for="password">密码 <span class="en">Password</span></label>
      <input id="password" name="password" type="password" required>
      <button type="submit">登录 <span class="en">Sign in</span></button>
    </form>
    <details>
      <summary>开发账号（密码均为 <code>chuishao-dev</code>）<span class="en">Development accounts</span></summary>
      <ul class="accounts">${rows}</ul>
    </details>`,
  );
}

/** The end-session confirmation: submitted at once by a script file, with a button as fallback. */
export function logoutPage(form: string): string {
  return page(
    '退出',
    `    <h1>正在退出… <span class="en">Signing out…</span></h1>
    ${form}
    <button id="confirm-logout" type="submit" form="op.logoutForm" name="logout" value="yes">退出 <span class="en">Sign out</span></button>`,
    '/static/logout.js',
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `    <h1>${esc(title)}</h1>\n    <p>${esc(message)}</p>`);
}

export const STATIC_FILES: Record<string, { type: string; body: string }> = {
  '/static/dev-oidc.css': {
    type: 'text/css; charset=utf-8',
    body: `body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f3f5f8;color:#1a1f29;margin:0;padding:16px;font-size:16px;line-height:1.5}
.card{max-width:420px;margin:24px auto;background:#fff;border-radius:8px;padding:20px 24px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.brand{font-weight:700;color:#b3261e;margin:0}.en{color:#4a5260;font-size:.85em;margin-left:.3em}
h1{font-size:1.4em;margin:.4em 0}label{display:block;margin-top:12px;font-weight:600}
input{box-sizing:border-box;width:100%;min-height:44px;font-size:16px;padding:8px;border:1px solid #6b7280;border-radius:6px}
button{margin-top:16px;width:100%;min-height:48px;font-size:17px;font-weight:700;color:#fff;background:#1d4ed8;border:0;border-radius:6px;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.error{color:#8b1a10;background:#fdecea;border-left:4px solid #b3261e;padding:8px}.dev{font-size:.9em;color:#4a5260}
details{margin-top:16px;font-size:.9em}.accounts{padding-left:1.2em}code{font-family:ui-monospace,monospace}`,
  },
  '/static/logout.js': {
    type: 'text/javascript; charset=utf-8',
    body: `document.getElementById('confirm-logout').click();\n`,
  },
};

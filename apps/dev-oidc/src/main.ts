import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { createLogger } from '@chuishao/platform';
import { checkPassword, devAccounts } from './accounts';
import { loadOrCreateSecrets } from './keys';
import { loginPage, messagePage, STATIC_FILES } from './pages';
import { createDevProvider } from './provider';

/**
 * The local OpenID Provider for development (contract §16), started by `npm start` at
 * http://127.0.0.1:8090: the accounts `<role>` / `<role>.<ORG CODE>` with the password
 * `chuishao-dev`, its own Chinese sign-in page, and the gateway as its one client. Refuses to run
 * with NODE_ENV=production: its password is public.
 */
async function main(): Promise<void> {
  const env = process.env;
  const log = createLogger('dev-oidc', env['LOG_LEVEL'] ?? 'info');
  if (env['NODE_ENV'] === 'production') {
    process.stderr.write('dev-oidc: a development provider with public passwords; it does not run with NODE_ENV=production\n');
    process.exit(78);
  }
  const port = Number(env['PORT'] ?? 8090);
  const host = env['HOST'] ?? '127.0.0.1';
  const clientSecret = env['CHUISHAO_OIDC_CLIENT_SECRET'];
  if (!clientSecret || clientSecret.length < 32) {
    process.stderr.write('dev-oidc: CHUISHAO_OIDC_CLIENT_SECRET (at least 32 characters) is required\n');
    process.exit(78);
  }
  const issuer = env['CHUISHAO_OIDC_ISSUER'] || `http://127.0.0.1:${port}`;
  const publicBase = (env['CHUISHAO_PUBLIC_BASE_URL'] || 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const redirectUri = env['CHUISHAO_OIDC_REDIRECT_URI'] || `${publicBase}/auth/callback`;
  const postLogoutRedirectUri = `${new URL(redirectUri).origin}/`;
  const dir = env['CHUISHAO_DEV_OIDC_DIR'] || join(env['CHUISHAO_DATA_DIR'] || resolve(__dirname, '../../../../.data'), 'dev-oidc');
  const { secrets, created } = await loadOrCreateSecrets(dir);
  if (created) log.info({ dir }, 'dev-oidc: generated signing and cookie keys');
  const accounts = devAccounts();
  const provider = createDevProvider({
    issuer,
    clientId: env['CHUISHAO_OIDC_CLIENT_ID'] || 'chuishao-console',
    clientSecret,
    redirectUri,
    postLogoutRedirectUri,
    audience: env['CHUISHAO_JWT_AUDIENCE'] || 'chuishao',
    accounts,
    secrets,
  });
  const oidc = provider.callback();
  // Chrome applies form-action to the redirects after a form POST: sign-in and sign-out end at the gateway
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' ${new URL(redirectUri).origin}`;

  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
  };

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return html(res, 400, messagePage('登录已失效', '请返回控制台重新登录。/ This sign-in has expired; start again from the console.'));
    if (req.method === 'GET' && !action) return html(res, 200, loginPage(uid, [...accounts.values()]));
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(await readBody(req));
      const username = form.get('username') ?? '';
      const account = checkPassword(accounts, username, form.get('password') ?? '');
      if (!account) {
        log.info({ outcome: 'refused' }, 'dev-oidc sign-in');
        return html(res, 200, loginPage(uid, [...accounts.values()], '用户名或密码错误 / Wrong username or password', username.slice(0, 100)));
      }
      log.info({ outcome: 'ok', role: account.role }, 'dev-oidc sign-in');
      return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    }
    res.writeHead(405).end();
  }

  const server = createServer((req, res) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const path = (req.url ?? '/').split('?')[0];
    const file = STATIC_FILES[path];
    if (file && req.method === 'GET') return void res.writeHead(200, { 'content-type': file.type }).end(file.body);
    if (path === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(path);
    if (m) {
      interaction(req, res, m[1], m[2]).catch((err: Error) => {
        log.warn({ err: err.message }, 'dev-oidc interaction failed');
        if (!res.headersSent) html(res, 400, messagePage('登录已失效', '请返回控制台重新登录。/ This sign-in has expired; start again from the console.'));
      });
      return;
    }
    oidc(req, res);
  });
  server.listen(port, host, () => log.info({ issuer, url: `http://${host}:${port}` }, `dev-oidc listening on http://${host}:${port} (issuer ${issuer})`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function readBody(req: IncomingMessage, limit = 16 * 1024): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

void main();

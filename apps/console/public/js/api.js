// Same-origin HTTP API client: bearer token from the session, RFC 9457 problems as ApiError.

const TOKEN_KEY = 'chuishao.token';

export class ApiError extends Error {
  /** @param {number} status @param {{title?: string, detail?: string, errors?: Array<{field: string, message: string}>, type?: string}} problem */
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
  get errors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
  /** The endpoint (not just the id) is missing: the gateway or the service has no such route yet. */
  get isMissingEndpoint() {
    if (this.status !== 404) return false;
    const text = `${this.problem.title ?? ''} ${this.problem.detail ?? ''}`;
    // the gateway's "没有这个接口 / No route", or the service's router (Nest/Fastify "Cannot GET /…")
    return /No route|没有这个接口|Cannot (GET|POST|PUT|PATCH|DELETE)\b|Route .* not found/i.test(text);
  }
}

// ---- session ---------------------------------------------------------------------------------

function b64urlDecode(part) {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The JWT's claims (not verified here: the server verifies every request). */
export function decodeJwt(token) {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('不是 JWT（应为三段，以“.”分隔）/ Not a JWT (three dot-separated parts expected)');
  let claims;
  try {
    claims = JSON.parse(b64urlDecode(parts[1]));
  } catch {
    throw new Error('JWT 内容无法解析 / The JWT payload cannot be decoded');
  }
  if (!claims || typeof claims !== 'object' || typeof claims.role !== 'string') throw new Error('JWT 缺少 role 声明 / The JWT has no role claim');
  return claims;
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The signed-in principal, or null (also null once the token has expired). */
export function getSession() {
  const token = getToken();
  if (!token) return null;
  try {
    const claims = decodeJwt(token);
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return { token, role: claims.role, org: claims.org ?? null, sub: claims.sub ?? '', exp: claims.exp ?? null };
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }
}

export function signIn(token) {
  const claims = decodeJwt(token);
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw new Error('令牌已过期 / The token has expired');
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return claims;
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// ---- requests --------------------------------------------------------------------------------

/**
 * @param {string} path e.g. '/api/v1/whistles'
 * @param {{method?: string, body?: unknown, headers?: Record<string,string>, query?: Record<string, unknown>, auth?: boolean, raw?: boolean}} [opts]
 */
export async function api(path, opts = {}) {
  const headers = { accept: 'application/json, application/problem+json', ...(opts.headers ?? {}) };
  const token = getToken();
  if (token && opts.auth !== false) headers.authorization = `Bearer ${token}`;
  let body;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  let res;
  try {
    res = await fetch(url, { method: opts.method ?? 'GET', headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, { title: '网络错误 / Network error', detail: `无法连接服务器，请检查网络后重试。/ Cannot reach the server: ${err.message}` });
  }
  if (opts.raw && res.ok) return res;
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const problem = json && typeof json === 'object' ? json : { title: `HTTP ${res.status}`, detail: text.slice(0, 300) };
    if (res.status === 401 && headers.authorization) signOutOnUnauthorized();
    throw new ApiError(res.status, problem);
  }
  return json;
}

let onUnauthorized = () => undefined;
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}
function signOutOnUnauthorized() {
  onUnauthorized();
}

/** The filename from a Content-Disposition header (RFC 6266 filename* first). */
export function filenameFrom(disposition, fallback) {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1].trim() : fallback;
}

/** GET a file with the bearer token and save it under the server's filename. */
export async function download(path, query, fallbackName) {
  const res = await api(path, { query, raw: true, headers: { accept: '*/*' } });
  const blob = await res.blob();
  const name = filenameFrom(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}

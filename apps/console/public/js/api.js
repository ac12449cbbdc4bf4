// Same-origin HTTP API client: the gateway's session cookie signs the calls in, RFC 9457 problems as ApiError.

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

// ---- session ----------------------------------------------------------------------------------
// The gateway holds the tokens (contract §16): the page only has an HttpOnly session cookie, which
// it cannot read. GET /auth/me says who is signed in.

let me = null;

/**
 * Asks the gateway who is signed in: `{sub, name, role, org, organisation: {id, name, nameEn} | null,
 * expiresAt}`, or null when nobody is (401). Kept for the page's life; `forget()` drops it.
 */
export async function loadSession() {
  let res;
  try {
    res = await fetch('/auth/me', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (err) {
    throw new ApiError(0, { title: '网络错误 / Network error', detail: `无法连接服务器，请检查网络后重试。/ Cannot reach the server: ${err.message}` });
  }
  if (res.status === 401) {
    me = null;
    return null;
  }
  if (!res.ok) throw new ApiError(res.status, { title: `HTTP ${res.status}` });
  const body = await res.json();
  me = { ...body, org: body.organisation?.id ?? null };
  return me;
}

/** The signed-in person as last loaded, or null. */
export function getSession() {
  return me;
}

/** Forgets who was signed in (after a 401: the session has ended at the gateway). */
export function forget() {
  me = null;
}

/** Sends the browser to the gateway's sign-in (which goes on to the identity provider). */
export function signIn() {
  location.assign('/auth/login');
}

/**
 * Signs out at the gateway, then at the provider: the gateway answers where to go (the provider's
 * end-session page, which returns to the console). A fetch, not a form post, so that CSP
 * form-action does not stand in the way of that redirect.
 */
export async function signOut() {
  me = null;
  let target = '/';
  try {
    const res = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
    if (res.ok) target = (await res.json()).redirect || '/';
  } catch {
    /* the gateway is unreachable: the session ends with its expiry */
  }
  location.assign(target);
}

// ---- requests --------------------------------------------------------------------------------

/**
 * @param {string} path e.g. '/api/v1/whistles'
 * @param {{method?: string, body?: unknown, headers?: Record<string,string>, query?: Record<string, unknown>, auth?: boolean, raw?: boolean}} [opts]
 */
export async function api(path, opts = {}) {
  const headers = { accept: 'application/json, application/problem+json', ...(opts.headers ?? {}) };
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
    if (res.status === 401 && opts.auth !== false) signOutOnUnauthorized();
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

/** GET a file (signed in by the session) and save it under the server's filename. */
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

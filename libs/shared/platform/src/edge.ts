import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The HTTP edge every Chuishao server shares (gateway and services, through
 * {@link configureApp}): security headers with @fastify/helmet, and which proxies' forwarded
 * headers are believed. docs/security.md ("HTTP edge") says what each control stops.
 */

type Directives = Record<string, string[]>;

/**
 * The console's and the API's policy: everything from our own origin, no inline script or style
 * (the console has none: its scripts are files and it styles through CSSOM), no plugins, no
 * framing, no `<base>`, forms and fetches to our own origin only. `data:` images for the favicon
 * and generated QR codes, `blob:` for downloads.
 */
const CONSOLE_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Swagger UI at /docs: its scripts are files, but its page and its React components use inline
 * styles, so styles alone may be inline there (no script may). Everything else as {@link CONSOLE_CSP}.
 */
const DOCS_CSP: Directives = {
  ...CONSOLE_CSP,
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
};

/** Paths served by Swagger UI (`/docs`, `/docs/`, `/docs/swagger-ui-init.js`, ...), not `/docs-json`. */
export function isDocsPath(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/');
}

function helmetOptions(directives: Directives) {
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    // HSTS only means something over https, where it belongs: browsers ignore it on plain http
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  };
}

const secured = new WeakSet<object>();

/**
 * Adds the security headers to every answer of `fastify` (errors, 404s and proxied answers
 * included): Content-Security-Policy ({@link CONSOLE_CSP}, {@link DOCS_CSP} under /docs),
 * X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, X-Frame-Options: DENY,
 * Cross-Origin-Opener/Resource-Policy: same-origin, HSTS. Install before routes are added.
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  if (secured.has(fastify)) return;
  secured.add(fastify);
  // Swagger's routes are added by Nest; they get the docs policy through their route config
  fastify.addHook('onRoute', (route) => {
    if (isDocsPath(route.url)) route.config = { ...(route.config ?? {}), helmet: { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } } } as never;
  });
  void fastify.register(helmet, helmetOptions(CONSOLE_CSP));
}

/**
 * Fastify's `trustProxy` for a configured list (`CHUISHAO_TRUSTED_PROXIES`): `false` for none —
 * the socket's address is the client and X-Forwarded-* are ignored — else the addresses/CIDRs whose
 * X-Forwarded-For/-Host/-Proto are believed (the rightmost untrusted hop is the client).
 */
export function trustProxyOption(trustedProxies: readonly string[] | undefined): false | string[] {
  return trustedProxies && trustedProxies.length > 0 ? [...trustedProxies] : false;
}

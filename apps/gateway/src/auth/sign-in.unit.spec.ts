import { defaultCatalog } from '@chuishao/catalog';
import type { OidcClient, ProviderTokens } from './oidc-client';
import { isCrossSite } from './routes';
import { MAX_SESSION_MS, SignIn, SignInError } from './sign-in';

const street = defaultCatalog().streets.find((s) => s.code === 'QUANYECHANG')!;
const REDIRECT = 'http://127.0.0.1:8080/auth/callback';

/** A provider that answers as told and remembers what it was asked. */
function fakeClient(tokens: () => ProviderTokens) {
  const calls = { exchanged: [] as Array<{ url: string; checks: { state: string; nonce: string; codeVerifier: string } }>, refreshed: [] as string[], revoked: [] as string[], authorized: [] as URLSearchParams[] };
  let refresh: (rt: string) => Promise<ProviderTokens> = async () => tokens();
  const client: OidcClient = {
    ready: async () => undefined,
    authorizationUrl: (p) => {
      const url = new URL('http://idp.test/auth');
      url.search = new URLSearchParams({ redirect_uri: p.redirectUri, scope: p.scope, state: p.state, nonce: p.nonce, code_challenge: p.codeChallenge }).toString();
      calls.authorized.push(url.searchParams);
      return url;
    },
    exchange: async (url, checks) => {
      calls.exchanged.push({ url: url.href, checks });
      if (url.searchParams.get('state') !== checks.state) throw new Error('state mismatch');
      return tokens();
    },
    refresh: (rt) => {
      calls.refreshed.push(rt);
      return refresh(rt);
    },
    endSessionUrl: (p) => new URL(`http://idp.test/session/end?post_logout_redirect_uri=${encodeURIComponent(p.postLogoutRedirectUri)}&id_token_hint=${p.idToken ?? ''}`),
    revoke: async (t) => void calls.revoked.push(t),
  };
  return { client, calls, onRefresh: (fn: typeof refresh) => (refresh = fn) };
}

const streetClaims = { sub: 'dev:street.QUANYECHANG', name: '劝业场街道工作人员', role: 'street', org: street.id };

describe('the gateway sign-in (backend-for-frontend)', () => {
  let clock = Date.parse('2026-03-02T08:00:00Z');
  const now = () => clock;
  const options = { redirectUri: REDIRECT, scope: 'openid profile chuishao', roleClaim: 'role', orgClaim: 'org', now };

  async function signedIn(tokens: Partial<ProviderTokens> = {}) {
    const fake = fakeClient(() => ({ accessToken: 'at-1', expiresIn: 3600, idToken: 'id-1', claims: streetClaims, ...tokens }));
    const signIn = new SignIn(fake.client, options);
    const { loginId, url } = await signIn.begin();
    const { sessionId } = await signIn.complete(loginId, `code=c1&state=${url.searchParams.get('state')}`);
    return { signIn, sessionId, ...fake };
  }

  beforeEach(() => {
    clock = Date.parse('2026-03-02T08:00:00Z');
  });

  it('sends the browser to the provider with PKCE (S256), a state and a nonce, fresh every time', async () => {
    const fake = fakeClient(() => ({ accessToken: 'x', expiresIn: 60, claims: streetClaims }));
    const signIn = new SignIn(fake.client, options);
    const a = await signIn.begin();
    const b = await signIn.begin();
    expect(a.url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    for (const k of ['state', 'nonce', 'code_challenge']) {
      expect(a.url.searchParams.get(k)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(a.url.searchParams.get(k)).not.toBe(b.url.searchParams.get(k));
    }
    expect(a.loginId).not.toBe(b.loginId);
  });

  it('exchanges the code with the login’s own checks, once; then holds the tokens and shows the organisation by name', async () => {
    const { signIn, sessionId, calls } = await signedIn();
    expect(calls.exchanged).toHaveLength(1);
    expect(calls.exchanged[0].url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/auth\/callback\?code=c1&state=/);
    expect(await signIn.accessToken(sessionId)).toBe('at-1');
    expect(await signIn.me(sessionId)).toEqual({
      sub: 'dev:street.QUANYECHANG',
      name: '劝业场街道工作人员',
      role: 'street',
      organisation: { id: street.id, name: '劝业场街道', nameEn: street.nameEn },
      expiresAt: new Date(clock + 3600_000).toISOString(),
    });
  });

  it('refuses a callback without its login, a login used twice, and a wrong state', async () => {
    const fake = fakeClient(() => ({ accessToken: 'x', expiresIn: 60, claims: streetClaims }));
    const signIn = new SignIn(fake.client, options);
    await expect(signIn.complete(undefined, 'code=c&state=s')).rejects.toThrow(SignInError);
    const { loginId, url } = await signIn.begin();
    await expect(signIn.complete(loginId, 'code=c&state=forged')).rejects.toThrow(/refused/);
    await expect(signIn.complete(loginId, `code=c&state=${url.searchParams.get('state')}`)).rejects.toThrow(/expired|already/);
  });

  it.each([
    ['no role', { sub: 's' }, /role/],
    ['an unknown role', { sub: 's', role: 'mayor' }, /role/],
    ['a street without org', { sub: 's', role: 'street' }, /organisation/],
  ])('refuses an account with %s', async (_why, claims, reason) => {
    const fake = fakeClient(() => ({ accessToken: 'x', expiresIn: 60, claims }));
    const signIn = new SignIn(fake.client, options);
    const { loginId, url } = await signIn.begin();
    await expect(signIn.complete(loginId, `code=c&state=${url.searchParams.get('state')}`)).rejects.toThrow(reason);
  });

  it('reads role and organisation from the configured claim names', () => {
    const signIn = new SignIn(fakeClient(() => ({ accessToken: 'x', expiresIn: 1, claims: {} })).client, { ...options, roleClaim: 'chuishao_role', orgClaim: 'chuishao_org' });
    expect(signIn.identityOf({ sub: 'u', preferred_username: 'li', chuishao_role: 'department', chuishao_org: 'd-1' })).toEqual({ sub: 'u', name: 'li', role: 'department', org: 'd-1' });
  });

  it('without a refresh token, ends the session when the access token expires', async () => {
    const { signIn, sessionId } = await signedIn();
    clock += 3600_000 - 1;
    expect(await signIn.identity(sessionId)).toBeDefined();
    clock += 1;
    expect(await signIn.identity(sessionId)).toBeUndefined();
    expect(await signIn.me(sessionId)).toBeUndefined();
  });

  it('with a refresh token, refreshes shortly before expiry (once for concurrent requests), up to the longest session', async () => {
    const { signIn, sessionId, calls, onRefresh } = await signedIn({ refreshToken: 'rt-1' });
    let n = 1;
    onRefresh(async () => ({ accessToken: `at-${++n}`, expiresIn: 3600, refreshToken: `rt-${n}`, claims: {} }));
    clock += 3600_000 - 30_000;
    const [a, b] = await Promise.all([signIn.accessToken(sessionId), signIn.accessToken(sessionId)]);
    expect([a, b]).toEqual(['at-2', 'at-2']);
    expect(calls.refreshed).toEqual(['rt-1']);
    clock = Date.parse('2026-03-02T08:00:00Z') + MAX_SESSION_MS;
    expect(await signIn.accessToken(sessionId)).toBeUndefined();
  });

  it('a refused refresh keeps the session until the access token expires, then ends it', async () => {
    const { signIn, sessionId, onRefresh } = await signedIn({ refreshToken: 'rt-1' });
    onRefresh(async () => {
      throw new Error('invalid_grant');
    });
    clock += 3600_000 - 30_000;
    expect(await signIn.accessToken(sessionId)).toBe('at-1');
    clock += 30_000;
    expect(await signIn.accessToken(sessionId)).toBeUndefined();
  });

  it('signing out forgets the session, revokes the refresh token and names the provider’s end-session URL', async () => {
    const { signIn, sessionId, calls } = await signedIn({ refreshToken: 'rt-1' });
    const url = await signIn.end(sessionId, 'http://127.0.0.1:8080/');
    expect(url?.searchParams.get('id_token_hint')).toBe('id-1');
    expect(url?.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1:8080/');
    expect(calls.revoked).toEqual(['rt-1']);
    expect(await signIn.accessToken(sessionId)).toBeUndefined();
    expect(signIn.sessionCount).toBe(0);
  });

  it('knows no session for an unknown or missing id', async () => {
    const { signIn } = await signedIn();
    expect(await signIn.accessToken('forged')).toBeUndefined();
    expect(await signIn.accessToken(undefined)).toBeUndefined();
  });
});

describe('cross-site requests with the session', () => {
  const req = (headers: Record<string, string>) => ({ headers, host: '127.0.0.1:8080' });
  it.each([
    [{}, false],
    [{ origin: 'http://127.0.0.1:8080' }, false],
    [{ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:8080' }, false],
    [{ origin: 'http://evil.example' }, true],
    [{ origin: 'null' }, true],
    [{ 'sec-fetch-site': 'cross-site' }, true],
  ])('%j → cross-site %s', (headers, cross) => {
    expect(isCrossSite(req(headers) as never)).toBe(cross);
  });
});

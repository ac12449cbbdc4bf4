/** What the provider answered at its token endpoint, with the ID token's (verified) claims. */
export interface ProviderTokens {
  accessToken: string;
  /** Seconds the access token lives, as the provider said. */
  expiresIn: number;
  refreshToken?: string;
  idToken?: string;
  /** The ID token's claims, verified by the client (signature, iss, aud, nonce, exp). */
  claims: Record<string, unknown>;
}

/**
 * The OpenID Connect relying party the sign-in needs, as an interface so that the session logic
 * is tested without a provider ({@link openidClient} is the real one, on `openid-client`).
 */
export interface OidcClient {
  /** The provider's authorization URL for a code flow with PKCE (S256), state and nonce. */
  authorizationUrl(p: { redirectUri: string; scope: string; state: string; nonce: string; codeChallenge: string }): URL;
  /** Exchanges the code of a callback URL (state, nonce, PKCE checked). */
  exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<ProviderTokens>;
  refresh(refreshToken: string): Promise<ProviderTokens>;
  /** The provider's end-session URL, or undefined when it has none. */
  endSessionUrl(p: { idToken?: string; postLogoutRedirectUri: string }): URL | undefined;
  /** Revokes a token at the provider, if it offers revocation (best effort). */
  revoke(token: string): Promise<void>;
  /** Discovers the provider (once; again after a failure). */
  ready(): Promise<void>;
}

type OpenIdClient = typeof import('openid-client');

/**
 * The relying party on `openid-client` (ESM, loaded on first use). Discovery happens on the first
 * sign-in and is retried on the next one if the provider was not reachable, so the gateway starts
 * whether or not the provider is up. A plain-http issuer is allowed for loopback only (the
 * configuration refuses others).
 */
export function openidClient(o: { issuer: string; clientId: string; clientSecret: string }): OidcClient {
  let lib: OpenIdClient | undefined;
  let config: import('openid-client').Configuration | undefined;
  let pending: Promise<void> | undefined;
  const ready = async (): Promise<void> => {
    if (config) return;
    pending ??= (async () => {
      lib = await import('openid-client');
      const insecure = new URL(o.issuer).protocol === 'http:';
      config = await lib.discovery(new URL(o.issuer), o.clientId, undefined, lib.ClientSecretBasic(o.clientSecret), insecure ? { execute: [lib.allowInsecureRequests] } : undefined);
    })().finally(() => {
      pending = undefined;
    });
    await pending;
  };
  const need = () => {
    if (!lib || !config) throw new Error('the OpenID Provider has not been discovered yet');
    return { lib, config };
  };
  const tokensOf = (t: import('openid-client').TokenEndpointResponse & { claims(): unknown }): ProviderTokens => ({
    accessToken: t.access_token,
    expiresIn: typeof t.expires_in === 'number' ? t.expires_in : 300,
    refreshToken: t.refresh_token,
    idToken: t.id_token,
    claims: (t.claims() as Record<string, unknown> | undefined) ?? {},
  });
  return {
    ready,
    authorizationUrl: (p) => {
      const { lib: l, config: c } = need();
      return l.buildAuthorizationUrl(c, { redirect_uri: p.redirectUri, scope: p.scope, state: p.state, nonce: p.nonce, code_challenge: p.codeChallenge, code_challenge_method: 'S256' });
    },
    exchange: async (url, checks) => {
      await ready();
      const { lib: l, config: c } = need();
      return tokensOf(await l.authorizationCodeGrant(c, url, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true }));
    },
    refresh: async (refreshToken) => {
      await ready();
      const { lib: l, config: c } = need();
      return tokensOf(await l.refreshTokenGrant(c, refreshToken));
    },
    endSessionUrl: (p) => {
      const { lib: l, config: c } = need();
      if (!c.serverMetadata().end_session_endpoint) return undefined;
      return l.buildEndSessionUrl(c, { post_logout_redirect_uri: p.postLogoutRedirectUri, ...(p.idToken ? { id_token_hint: p.idToken } : {}) });
    },
    revoke: async (token) => {
      const { lib: l, config: c } = need();
      if (c.serverMetadata().revocation_endpoint) await l.tokenRevocation(c, token);
    },
  };
}

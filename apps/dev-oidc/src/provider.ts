import Provider, { errors, type KoaContextWithOIDC, type TokenLike } from 'oidc-provider';
import { accountBySub, type DevAccount } from './accounts';
import type { ProviderSecrets } from './keys';
import { logoutPage, messagePage } from './pages';

/** The resource indicator of Chuishao's API: access tokens for it are JWTs with `aud` = the audience. */
export const API_RESOURCE = 'urn:chuishao:api';
/** Access and ID tokens live one hour (contract §16: `exp` ≤ 1 h). */
export const ACCESS_TOKEN_TTL_S = 3600;

export interface DevProviderOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The gateway's callback, e.g. http://127.0.0.1:8080/auth/callback. */
  redirectUri: string;
  /** Where the provider sends the browser after sign-out: the console, e.g. http://127.0.0.1:8080/. */
  postLogoutRedirectUri: string;
  /** `aud` of the access tokens (CHUISHAO_JWT_AUDIENCE of the services). */
  audience: string;
  accounts: Map<string, DevAccount>;
  secrets: ProviderSecrets;
}

/**
 * oidc-provider configured for Chuishao's console: one confidential client (the gateway),
 * authorization code with PKCE (S256) only, access tokens as ES256 JWTs for {@link API_RESOURCE}
 * carrying `sub`, `role`, `org`, `iss`, `aud`, `exp` (1 h), ID tokens with `name`, `role`, `org`,
 * refresh tokens, RP-initiated logout, and consent skipped (a first-party client).
 */
export function createDevProvider(o: DevProviderOptions): Provider {
  const claimsOf = (sub: string) => {
    const a = accountBySub(o.accounts, sub);
    return a ? { sub: a.sub, name: a.name, role: a.role, ...(a.org ? { org: a.org } : {}) } : undefined;
  };
  const provider = new Provider(o.issuer, {
    clients: [
      {
        client_id: o.clientId,
        client_secret: o.clientSecret,
        client_name: '吹哨报到控制台',
        redirect_uris: [o.redirectUri],
        post_logout_redirect_uris: [o.postLogoutRedirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: o.secrets.jwks,
    cookies: { keys: o.secrets.cookieKeys },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'chuishao', 'api'],
    claims: { openid: ['sub'], profile: ['name'], chuishao: ['role', 'org'] },
    // the ID token carries the granted claims (name, role, org) for the gateway's session
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => (claimsOf(sub) ? { accountId: sub, claims: async () => claimsOf(sub) } : undefined),
    extraTokenClaims: async (_ctx: unknown, token: TokenLike) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const c = claimsOf(token.accountId);
      return c ? { role: c.role, ...(c.org ? { org: c.org } : {}) } : undefined;
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: ACCESS_TOKEN_TTL_S, IdToken: ACCESS_TOKEN_TTL_S, RefreshToken: 8 * 3600, Session: 8 * 3600, Grant: 8 * 3600, Interaction: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // first-party client: no consent screen; the grant covers what the console needs
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, result, provider: p } = ctx.oidc;
      if (!client) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return p.Grant.find(grantId);
      if (!session.accountId) return undefined;
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile chuishao');
      grant.addResourceScope(API_RESOURCE, 'api');
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = messagePage('已退出', '您已退出登录。/ You are signed out.');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== API_RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'api', audience: o.audience, accessTokenTTL: ACCESS_TOKEN_TTL_S, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = messagePage('登录出错', `${out.error ?? 'error'}: ${out.error_description ?? ''}`);
    },
  });
  return provider;
}

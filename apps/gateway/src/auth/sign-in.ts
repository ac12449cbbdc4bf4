import { createHash, randomBytes } from 'node:crypto';
import { isRole, ROLES_WITH_ORG, type Role } from '@chuishao/auth';
import { defaultCatalog } from '@chuishao/catalog';
import type { OidcClient, ProviderTokens } from './oidc-client';
import { ExpiringStore } from './session-store';

/** A sign-in in progress, between /auth/login and /auth/callback: at most 10 minutes. */
export const LOGIN_TTL_MS = 10 * 60_000;
/** A session never outlives this, refresh tokens or not: then the person signs in again. */
export const MAX_SESSION_MS = 12 * 3600_000;
/** An access token this close to its expiry is refreshed before it is forwarded. */
export const REFRESH_MARGIN_MS = 60_000;

/** Who is signed in, from the provider's ID token claims (mapped as configured). */
export interface Identity {
  sub: string;
  name: string;
  role: Role;
  org?: string;
}

/** A session, held by the gateway only: the browser has its id in a signed HttpOnly cookie. */
interface Session {
  identity: Identity;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken?: string;
  idToken?: string;
  createdAt: number;
}

interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** `GET /auth/me`: who is signed in, the organisation by its name. */
export interface Me {
  sub: string;
  name: string;
  role: Role;
  organisation: { id: string; name: string; nameEn: string } | null;
  expiresAt: string;
}

/** A sign-in that cannot be completed: why, said to the person (Chinese first). */
export class SignInError extends Error {}

export interface SignInOptions {
  redirectUri: string;
  scope: string;
  roleClaim: string;
  orgClaim: string;
  now?: () => number;
}

const random = (): string => randomBytes(32).toString('base64url');
const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/**
 * The gateway as OpenID Connect backend-for-frontend (contract §16): it runs the code flow with
 * PKCE, state and nonce, keeps the tokens in its own memory and gives the browser a session id
 * only. Sessions expire with the access token unless the provider issued a refresh token (then
 * refreshed, up to {@link MAX_SESSION_MS}). The role and organisation come from the ID token's
 * claims named by `roleClaim` and `orgClaim` (default `role`, `org`).
 */
export class SignIn {
  private readonly sessions: ExpiringStore<Session>;
  private readonly logins: ExpiringStore<LoginTransaction>;
  private readonly refreshing = new Map<string, Promise<Session | undefined>>();
  private readonly now: () => number;

  constructor(
    private readonly client: OidcClient,
    private readonly o: SignInOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.sessions = new ExpiringStore<Session>(50_000, this.now);
    this.logins = new ExpiringStore<LoginTransaction>(10_000, this.now);
  }

  /** Starts a sign-in: the login transaction's id (for a short-lived cookie) and the provider's URL. */
  async begin(): Promise<{ loginId: string; url: URL }> {
    await this.client.ready();
    const tx: LoginTransaction = { state: random(), nonce: random(), codeVerifier: random() };
    const loginId = this.logins.add(tx, this.now() + LOGIN_TTL_MS);
    const url = this.client.authorizationUrl({ redirectUri: this.o.redirectUri, scope: this.o.scope, state: tx.state, nonce: tx.nonce, codeChallenge: s256(tx.codeVerifier) });
    return { loginId, url };
  }

  /** Completes a sign-in from the provider's redirect (its query string): a new session's id. */
  async complete(loginId: string | undefined, query: string): Promise<{ sessionId: string; identity: Identity }> {
    const tx = this.logins.take(loginId);
    if (!tx) throw new SignInError('登录已超时或已完成，请重新登录 / The sign-in has expired or was already completed; sign in again');
    const url = new URL(this.o.redirectUri);
    url.search = query;
    let tokens: ProviderTokens;
    try {
      tokens = await this.client.exchange(url, tx);
    } catch (err) {
      throw new SignInError(`身份提供方拒绝了登录 / The identity provider refused the sign-in (${(err as Error).message.slice(0, 200)})`);
    }
    const identity = this.identityOf(tokens.claims);
    const now = this.now();
    const session: Session = { identity, ...this.tokenPart(tokens, now), createdAt: now };
    return { sessionId: this.sessions.add(session, this.expiryOf(session)), identity };
  }

  /** The identity of a session, or undefined when there is none (expired, signed out, unknown). */
  async identity(sessionId: string | undefined): Promise<Identity | undefined> {
    return (await this.live(sessionId))?.identity;
  }

  /** `GET /auth/me` for a session. */
  async me(sessionId: string | undefined): Promise<Me | undefined> {
    const session = await this.live(sessionId);
    if (!session) return undefined;
    const { sub, name, role, org } = session.identity;
    const catalog = defaultCatalog();
    const found = org ? (catalog.streets.find((s) => s.id === org) ?? catalog.departments.find((d) => d.id === org)) : undefined;
    return {
      sub,
      name,
      role,
      organisation: found ? { id: found.id, name: found.name, nameEn: found.nameEn } : null,
      expiresAt: new Date(this.expiryOf(session)).toISOString(),
    };
  }

  /** A valid access token of the session, refreshed when it is about to expire. */
  async accessToken(sessionId: string | undefined): Promise<string | undefined> {
    return (await this.live(sessionId))?.accessToken;
  }

  /**
   * Ends a session here and returns where the browser goes to end it at the provider as well
   * (its end-session URL with the ID token as hint), or undefined when the provider has none.
   * The refresh token is revoked at the provider (best effort).
   */
  async end(sessionId: string | undefined, postLogoutRedirectUri: string): Promise<URL | undefined> {
    const session = this.sessions.take(sessionId);
    if (session?.refreshToken) await this.client.revoke(session.refreshToken).catch(() => undefined);
    try {
      await this.client.ready();
      return this.client.endSessionUrl({ idToken: session?.idToken, postLogoutRedirectUri });
    } catch {
      return undefined;
    }
  }

  /** Drops expired sessions and sign-ins (called every minute). */
  sweep(): void {
    this.sessions.sweep();
    this.logins.sweep();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private async live(sessionId: string | undefined): Promise<Session | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session || !sessionId) return undefined;
    if (session.accessExpiresAt - REFRESH_MARGIN_MS > this.now() || !session.refreshToken) return session;
    // one refresh per session at a time: concurrent requests wait for the same one
    let refresh = this.refreshing.get(sessionId);
    if (!refresh) {
      refresh = this.refresh(sessionId, session).finally(() => this.refreshing.delete(sessionId));
      this.refreshing.set(sessionId, refresh);
    }
    return refresh;
  }

  private async refresh(sessionId: string, session: Session): Promise<Session | undefined> {
    try {
      const tokens = await this.client.refresh(session.refreshToken as string);
      const next: Session = { ...session, ...this.tokenPart(tokens, this.now()) };
      next.refreshToken = tokens.refreshToken ?? session.refreshToken;
      next.idToken = tokens.idToken ?? session.idToken;
      this.sessions.set(sessionId, next, this.expiryOf(next));
      return next;
    } catch {
      // refused or unreachable: the access token still counts until it expires
      return session.accessExpiresAt > this.now() ? session : (this.sessions.take(sessionId), undefined);
    }
  }

  private tokenPart(tokens: ProviderTokens, now: number): Pick<Session, 'accessToken' | 'accessExpiresAt' | 'refreshToken' | 'idToken'> {
    return { accessToken: tokens.accessToken, accessExpiresAt: now + tokens.expiresIn * 1000, refreshToken: tokens.refreshToken, idToken: tokens.idToken };
  }

  /** Expiry = the access token's, or — with a refresh token — the session's longest life. */
  private expiryOf(session: Session): number {
    return session.refreshToken ? session.createdAt + MAX_SESSION_MS : Math.min(session.accessExpiresAt, session.createdAt + MAX_SESSION_MS);
  }

  /** The documented mapping: `sub`, `name` (else `preferred_username`, else `sub`), role and org claims. */
  identityOf(claims: Record<string, unknown>): Identity {
    const sub = claims['sub'];
    const role = claims[this.o.roleClaim];
    const org = claims[this.o.orgClaim];
    if (typeof sub !== 'string' || !sub) throw new SignInError('身份提供方未给出用户标识 / The identity provider gave no subject');
    if (!isRole(role)) throw new SignInError(`该账号没有吹哨报到的角色 / The account has no Chuishao role (claim ${this.o.roleClaim})`);
    if (ROLES_WITH_ORG.includes(role) && (typeof org !== 'string' || !org)) {
      throw new SignInError(`该账号缺少所属街道或部门 / The account has no organisation (claim ${this.o.orgClaim})`);
    }
    const nameClaim = [claims['name'], claims['preferred_username']].find((v): v is string => typeof v === 'string' && v !== '');
    return { sub, name: nameClaim ?? sub, role, ...(typeof org === 'string' && org ? { org } : {}) };
  }
}

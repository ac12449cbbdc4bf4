import { createSecretKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, JWTPayload, jwtVerify, JWTVerifyGetKey, JWTVerifyOptions, SignJWT } from 'jose';
import { isHttpsOrLoopbackUrl } from '@chuishao/platform';
import { isRole, Principal, ROLES, ROLES_WITH_ORG } from './principal';

/** Default lifetime of dev tokens: 12 h. */
const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;
/** Longest lifetime (exp − iat) of an HS256 dev token, signed or accepted: 24 h (contract §14). */
export const MAX_DEV_TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const MIN_SECRET_LENGTH = 32;
const DEV_TOKEN_ISSUER = 'chuishao-dev';
/** Tolerated clock skew between the token's issuer and us, seconds: default 60, at most 300. */
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** A token that is missing, malformed, badly signed, expired or carries unusable claims. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export interface JwtVerifierOptions {
  /** HS256 shared secret (≥ 32 chars), `CHUISHAO_JWT_SECRET`. */
  secret?: string;
  /** JWKS URL for RS256/ES256 (`CHUISHAO_JWKS_URL`); https, or http to a loopback host. With a secret as well, both kinds are accepted. */
  jwksUrl?: string;
  /** Expected `iss` of JWKS tokens (`CHUISHAO_JWT_ISSUER`), required with `jwksUrl`. */
  issuer?: string;
  /** Expected `aud` of JWKS tokens (`CHUISHAO_JWT_AUDIENCE`), required with `jwksUrl`. */
  audience?: string;
  /** Tolerated clock skew for `exp`/`nbf`/`iat`, seconds (`CHUISHAO_JWT_CLOCK_TOLERANCE_S`; default 60, 0–300). */
  clockToleranceSeconds?: number;
}

/** Checks the claims of a verified payload and returns the principal (throws InvalidTokenError). */
function principalFromClaims(payload: JWTPayload): Principal {
  const { sub } = payload;
  const role: unknown = payload['role'];
  const org: unknown = payload['org'];
  if (typeof sub !== 'string' || sub.trim() === '') throw new InvalidTokenError('token has no sub claim');
  if (!isRole(role)) throw new InvalidTokenError(`token role must be one of ${ROLES.join(', ')}`);
  if (org !== undefined && (typeof org !== 'string' || org.trim() === '')) {
    throw new InvalidTokenError('token org claim must be a non-empty string');
  }
  if (ROLES_WITH_ORG.includes(role) && org === undefined) {
    throw new InvalidTokenError(`a ${role} token must carry an org claim`);
  }
  return org === undefined ? { sub, role } : { sub, role, org };
}

function secretKey(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the JWT secret must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
  return new TextEncoder().encode(secret);
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token has expired';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return err.reason === 'missing' ? `token has no ${err.claim} claim` : `token claim ${err.claim} is invalid`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the JWKS matches the token';
  if (err instanceof joseErrors.JWKSTimeout) return 'the JWKS could not be fetched in time';
  if (err instanceof joseErrors.JOSEError) return 'token is malformed or cannot be verified';
  return 'token cannot be verified';
}

/** The clock tolerance to use: default 60 s; a value outside 0–300 s is a configuration error. */
function clockTolerance(seconds: number | undefined): number {
  const value = seconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isInteger(value) || value < 0 || value > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new Error(`the JWT clock tolerance must be a whole number of seconds between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  return value;
}

/** Refuses a JWKS setup that would accept tokens meant for others or fetch keys over plain http. */
function checkJwksOptions(options: JwtVerifierOptions): { jwksUrl: URL; issuer: string; audience: string } {
  const { jwksUrl, issuer, audience } = options;
  if (!isHttpsOrLoopbackUrl(jwksUrl)) throw new Error('CHUISHAO_JWKS_URL must be an https URL (http only for a loopback host)');
  if (!issuer?.trim()) throw new Error('CHUISHAO_JWT_ISSUER is required with CHUISHAO_JWKS_URL');
  if (!audience?.trim()) throw new Error('CHUISHAO_JWT_AUDIENCE is required with CHUISHAO_JWKS_URL');
  return { jwksUrl: new URL(jwksUrl as string), issuer, audience };
}

/** One way of verifying: a key (or key set) and the checks that go with it. */
interface Verification {
  key: KeyObject | JWTVerifyGetKey;
  options: JWTVerifyOptions;
  mode: 'hs256' | 'jwks';
}

/**
 * Verifies bearer tokens: HS256 with the shared secret (dev tokens), RS256/ES256 against a JWKS
 * (the identity provider's), or both when both are configured — then the token's `alg` picks the
 * way, and each way keeps its own checks (no HS256 token is ever checked against the JWKS, nor an
 * RS256/ES256 one against the secret). Every token needs `exp` (checked with a bounded clock
 * tolerance), `sub`, a known `role`, and `org` for street and department. HS256 (dev) tokens also
 * need `iat`, not in the future, and live at most 24 h (`exp − iat`); JWKS tokens need the
 * configured `iss` and `aud`.
 */
export class JwtVerifier {
  private readonly hs256?: Verification;
  private readonly jwks?: Verification;
  /** `hs256`, `jwks`, or `both`. */
  readonly mode: 'hs256' | 'jwks' | 'both';

  constructor(options: JwtVerifierOptions) {
    const tolerance = clockTolerance(options.clockToleranceSeconds);
    if (options.jwksUrl) {
      const { jwksUrl, issuer, audience } = checkJwksOptions(options);
      const options_: JWTVerifyOptions = { algorithms: ['RS256', 'ES256'], clockTolerance: tolerance, issuer, audience, requiredClaims: ['exp'] };
      this.jwks = { key: createRemoteJWKSet(jwksUrl), options: options_, mode: 'jwks' };
    }
    if (options.secret) {
      // a KeyObject made once: given the secret's bytes, jose would make one on every verify
      const key = createSecretKey(secretKey(options.secret));
      // maxTokenAge: iat is required, not in the future, and not older than 24 h
      const options_: JWTVerifyOptions = { algorithms: ['HS256'], clockTolerance: tolerance, requiredClaims: ['exp', 'iat'], maxTokenAge: MAX_DEV_TOKEN_TTL_SECONDS };
      this.hs256 = { key, options: options_, mode: 'hs256' };
    }
    if (!this.hs256 && !this.jwks) throw new Error('JwtVerifier needs CHUISHAO_JWT_SECRET or CHUISHAO_JWKS_URL');
    this.mode = this.hs256 && this.jwks ? 'both' : this.jwks ? 'jwks' : 'hs256';
  }

  /** The way to verify a token: by its header's `alg` when both are configured. */
  private verificationFor(token: string): Verification {
    if (!this.hs256) return this.jwks as Verification;
    if (!this.jwks) return this.hs256;
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new InvalidTokenError('token is malformed or cannot be verified');
    }
    return alg === 'HS256' ? this.hs256 : this.jwks;
  }

  /** The principal of a valid token; throws {@link InvalidTokenError} otherwise. */
  async verify(token: string): Promise<Principal> {
    const v = this.verificationFor(token);
    let payload: JWTPayload;
    try {
      const result = v.key instanceof KeyObject ? await jwtVerify(token, v.key, v.options) : await jwtVerify(token, v.key, v.options);
      payload = result.payload;
    } catch (err: unknown) {
      throw new InvalidTokenError(describeJoseError(err));
    }
    if (v.mode === 'hs256' && (payload.exp as number) - (payload.iat as number) > MAX_DEV_TOKEN_TTL_SECONDS) {
      throw new InvalidTokenError('a dev token may live at most 24 h (exp - iat)');
    }
    return principalFromClaims(payload);
  }
}

/**
 * Signs an HS256 dev token `{sub, role, org, iat, exp, iss:"chuishao-dev"}` (claims checked
 * first); the lifetime is at most 24 h.
 */
export async function signDevToken(
  claims: Principal,
  secret: string,
  ttlSeconds: number = DEV_TOKEN_TTL_SECONDS,
): Promise<string> {
  const principal = principalFromClaims({ ...claims });
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be a positive number');
  if (ttlSeconds > MAX_DEV_TOKEN_TTL_SECONDS) throw new Error('a dev token may live at most 24 h');
  const now = Math.floor(Date.now() / 1000);
  const body: JWTPayload = { role: principal.role };
  if (principal.org !== undefined) body['org'] = principal.org;
  return new SignJWT(body)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.sub)
    .setIssuer(DEV_TOKEN_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.floor(ttlSeconds))
    .sign(secretKey(secret));
}

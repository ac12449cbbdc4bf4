import { createSecretKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, JWTPayload, jwtVerify, JWTVerifyGetKey, SignJWT } from 'jose';
import { isRole, Principal, ROLES, ROLES_WITH_ORG } from './principal';

/** Default lifetime of dev tokens: 12 h. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;
export const MIN_SECRET_LENGTH = 32;
export const DEV_TOKEN_ISSUER = 'chuishao-dev';

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
  /** JWKS URL for RS256/ES256 (`CHUISHAO_JWKS_URL`); when set, it is used instead of the secret. */
  jwksUrl?: string;
  /** Tolerated clock skew for `exp`/`nbf`, seconds (default 30). */
  clockToleranceSeconds?: number;
}

/** Checks the claims of a verified payload and returns the principal (throws InvalidTokenError). */
export function principalFromClaims(payload: JWTPayload): Principal {
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
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim ${err.claim} is invalid`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the JWKS matches the token';
  if (err instanceof joseErrors.JWKSTimeout) return 'the JWKS could not be fetched in time';
  if (err instanceof joseErrors.JOSEError) return 'token is malformed or cannot be verified';
  return 'token cannot be verified';
}

/**
 * Verifies bearer tokens: HS256 with the shared secret, or — when a JWKS URL is configured —
 * RS256/ES256 against that key set (the secret is then not accepted). `exp` is enforced when
 * present; `sub` and a known `role` are required, and `org` for street and department.
 */
export class JwtVerifier {
  // a KeyObject made once: given the secret's bytes, jose would make one on every verify
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly clockTolerance: number;
  readonly mode: 'hs256' | 'jwks';

  constructor(options: JwtVerifierOptions) {
    this.clockTolerance = options.clockToleranceSeconds ?? 30;
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'ES256'];
      this.mode = 'jwks';
    } else if (options.secret) {
      this.key = createSecretKey(secretKey(options.secret));
      this.algorithms = ['HS256'];
      this.mode = 'hs256';
    } else {
      throw new Error('JwtVerifier needs CHUISHAO_JWT_SECRET or CHUISHAO_JWKS_URL');
    }
  }

  /** The principal of a valid token; throws {@link InvalidTokenError} otherwise. */
  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const options = { algorithms: this.algorithms, clockTolerance: this.clockTolerance };
      const result =
        this.key instanceof KeyObject
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      payload = result.payload;
    } catch (err: unknown) {
      throw new InvalidTokenError(describeJoseError(err));
    }
    return principalFromClaims(payload);
  }
}

/** Signs an HS256 dev token `{sub, role, org, iat, exp, iss:"chuishao-dev"}` (claims checked first). */
export async function signDevToken(
  claims: Principal,
  secret: string,
  ttlSeconds: number = DEV_TOKEN_TTL_SECONDS,
): Promise<string> {
  const principal = principalFromClaims({ ...claims });
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be a positive number');
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

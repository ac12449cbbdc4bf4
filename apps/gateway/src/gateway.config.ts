import { IsArray, IsInt, IsNotEmpty, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { IsHttpsOrLoopbackUrl, IsProxyList, ToInt, ToList } from '@chuishao/platform';

/** The gateway's environment: where the four services are, and its edge (validated at boot). */
export class GatewayConfig {
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  @IsString()
  HOST: string = '127.0.0.1';

  @IsString()
  LOG_LEVEL: 'info' | 'debug' | 'warn' | 'error' = 'info';

  @IsUrl({ require_tld: false, require_protocol: true })
  INTAKE_URL: string = 'http://127.0.0.1:8081';
  @IsUrl({ require_tld: false, require_protocol: true })
  TRIAGE_URL: string = 'http://127.0.0.1:8082';
  @IsUrl({ require_tld: false, require_protocol: true })
  DISPATCH_URL: string = 'http://127.0.0.1:8083';
  @IsUrl({ require_tld: false, require_protocol: true })
  ASSESSMENT_URL: string = 'http://127.0.0.1:8084';

  /** The one base URL integrators call (contract §0): the OpenAPI document's `servers`. */
  @IsUrl({ require_tld: false, require_protocol: true })
  CHUISHAO_PUBLIC_BASE_URL: string = 'http://127.0.0.1:8080';

  /** Folder of the documents the build writes (npm run docs): the AsyncAPI page and files. Default dist/docs. */
  @IsString()
  CHUISHAO_DOCS_DIR: string = '';

  /** Folder of the web console's static files. */
  @IsString()
  CONSOLE_DIR: string = '';

  /**
   * Reverse proxies / load balancers in front of the gateway whose X-Forwarded-For/-Host/-Proto
   * are believed (IPs, CIDRs). Default none: the connecting address is the client.
   */
  @ToList()
  @IsArray({ message: 'must be a comma-separated list of IP addresses or CIDRs' })
  @IsProxyList()
  CHUISHAO_TRUSTED_PROXIES: string[] = [];

  /** Requests per minute per client to the public, Open311 and feedback routes. */
  @ToInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be between 1 and 100000' })
  @Max(100_000, { message: 'must be between 1 and 100000' })
  CHUISHAO_RATE_LIMIT_PUBLIC_PER_MIN: number = 120;

  /** Requests per minute per client to the sign-in routes (/auth/). */
  @ToInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be between 1 and 100000' })
  @Max(100_000, { message: 'must be between 1 and 100000' })
  CHUISHAO_RATE_LIMIT_AUTH_PER_MIN: number = 30;

  /** Port of the operators' listener: the detailed /health and /metrics (0 = any free port). */
  @ToInt()
  @IsInt({ message: 'must be an integer port number' })
  @Min(0, { message: 'must be a port number between 0 and 65535' })
  @Max(65535, { message: 'must be a port number between 0 and 65535' })
  CHUISHAO_INTERNAL_PORT: number = 9080;

  /** Interface of the operators' listener; loopback unless a monitoring network needs it. */
  @IsString()
  CHUISHAO_INTERNAL_HOST: string = '127.0.0.1';

  // ---- sign-in for people (contract §16): the gateway as OpenID Connect backend-for-frontend ----

  /** The OpenID Provider's issuer URL (https, http only for loopback). Unset: no sign-in at /auth/ (API clients keep bearer tokens). */
  @ValidateIf((c: GatewayConfig) => c.CHUISHAO_OIDC_ISSUER !== '')
  @IsHttpsOrLoopbackUrl()
  CHUISHAO_OIDC_ISSUER: string = '';

  /** The gateway's client id at the provider. */
  @IsString()
  CHUISHAO_OIDC_CLIENT_ID: string = 'chuishao-console';

  /** The gateway's client secret at the provider (required with an issuer; never logged). */
  @ValidateIf((c: GatewayConfig) => c.CHUISHAO_OIDC_ISSUER !== '')
  @IsNotEmpty({ message: 'is required with CHUISHAO_OIDC_ISSUER' })
  CHUISHAO_OIDC_CLIENT_SECRET: string = '';

  /** Where the provider returns the browser: default `<CHUISHAO_PUBLIC_BASE_URL>/auth/callback`. https outside loopback (the cookie is then Secure). */
  @ValidateIf((c: GatewayConfig) => c.CHUISHAO_OIDC_REDIRECT_URI !== '')
  @IsHttpsOrLoopbackUrl()
  CHUISHAO_OIDC_REDIRECT_URI: string = '';

  /** Scopes asked for; the provider must then put `role` and `org` into the ID token and the access token. */
  @IsString()
  CHUISHAO_OIDC_SCOPE: string = 'openid profile chuishao';

  /** Names of the provider's claims that hold the role and the organisation (street or department id). */
  @Matches(/^[A-Za-z0-9_:./-]+$/, { message: 'must be a claim name' })
  CHUISHAO_OIDC_ROLE_CLAIM: string = 'role';
  @Matches(/^[A-Za-z0-9_:./-]+$/, { message: 'must be a claim name' })
  CHUISHAO_OIDC_ORG_CLAIM: string = 'org';

  /** Signs the session cookie (≥ 32 characters; required with an issuer; never logged). */
  @ValidateIf((c: GatewayConfig) => c.CHUISHAO_OIDC_ISSUER !== '')
  @MinLength(32, { message: 'must be at least 32 characters (required with CHUISHAO_OIDC_ISSUER)' })
  CHUISHAO_SESSION_SECRET: string = '';

  /** The sign-in's callback URL: configured, or derived from the public base URL. */
  get oidcRedirectUri(): string {
    return this.CHUISHAO_OIDC_REDIRECT_URI || `${this.CHUISHAO_PUBLIC_BASE_URL.replace(/\/+$/, '')}/auth/callback`;
  }
}

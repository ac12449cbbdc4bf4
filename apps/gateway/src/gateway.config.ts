import { IsArray, IsInt, IsString, IsUrl, Max, Min } from 'class-validator';
import { IsProxyList, ToInt, ToList } from '@chuishao/platform';

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
}

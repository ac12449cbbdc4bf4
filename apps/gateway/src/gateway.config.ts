import { IsString, IsUrl } from 'class-validator';
import { ToInt } from '@chuishao/platform';
import { IsInt, Max, Min } from 'class-validator';

/** The gateway's environment: where the four services are (validated at boot). */
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
}

import { plainToInstance } from 'class-transformer';
import {
  ArrayNotEmpty,
  getMetadataStorage,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmpty,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
  ValidationError,
} from 'class-validator';
import { IsHttpsOrLoopbackUrl, IsProxyList, IsTimeZone, ToBoolean, ToInt, ToList } from './config-rules';

/**
 * Typed, validated configuration from environment variables.
 *
 * A config is a plain class whose properties are named exactly like the environment variables,
 * with class-validator decorators for the rules and property initialisers for the defaults:
 *
 * ```ts
 * export class IntakeConfig extends BaseServiceConfig {
 *   @ToInt() @IsInt() @Min(1)
 *   IDEMPOTENCY_TTL_HOURS = 24;
 * }
 * const config = loadConfig(IntakeConfig);          // throws one Error listing every problem
 * ```
 *
 * Values arrive as strings; use the `ToInt` / `ToBoolean` / `ToList` transforms to
 * convert them (a value that does not convert is left as the raw string so that the matching
 * `@IsInt()`/`@IsBoolean()`... reports it). An empty variable (`PORT=`) counts as unset.
 * Error messages name the variables but never print their values (they may be secrets).
 */

const MISSING = 'is required but not set';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

const BOTH_OR_NEITHER = (other: string) => `is required when ${other} is set (give both or neither)`;

/**
 * How any Chuishao Kafka client connects (services, `npm run dept`, the CLI, the benchmark, the
 * tests): the brokers, SASL/SCRAM credentials (both or neither; none = PLAINTEXT, for a local
 * broker started with `--plaintext` or testcontainers) and TLS. The password is never logged.
 * See docs/adr/0021-kafka-scram-and-acls.md.
 */
export class KafkaClientConfig {
  /** Kafka bootstrap brokers, `host:port` comma list. */
  @ToList()
  @IsArray({ message: 'must be a comma-separated list of host:port' })
  @ArrayNotEmpty({ message: 'must name at least one broker' })
  @Matches(/^[^\s:,]+:\d{1,5}$/, { each: true, message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** SCRAM user name (the principal, e.g. `chuishao-intake`, `dept-fire-rescue`). */
  @ValidateIf((o: KafkaClientConfig) => o.KAFKA_SASL_USERNAME !== undefined || o.KAFKA_SASL_PASSWORD !== undefined)
  @IsDefined({ message: BOTH_OR_NEITHER('KAFKA_SASL_PASSWORD') })
  @IsString()
  @IsNotEmpty()
  KAFKA_SASL_USERNAME?: string;

  /** SCRAM password (a secret: never logged, never in an error message). */
  @ValidateIf((o: KafkaClientConfig) => o.KAFKA_SASL_USERNAME !== undefined || o.KAFKA_SASL_PASSWORD !== undefined)
  @IsDefined({ message: BOTH_OR_NEITHER('KAFKA_SASL_USERNAME') })
  @IsString()
  @IsNotEmpty()
  KAFKA_SASL_PASSWORD?: string;

  @IsIn(KAFKA_SASL_MECHANISMS, { message: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` })
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism = 'scram-sha-512';

  /** TLS to the brokers (SASL_SSL with credentials, SSL without). */
  @ToBoolean()
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_TLS: boolean = false;

  /** PEM file of the CA that signed the brokers' certificates (default: the system's CAs). */
  @ValidateIf((o: KafkaClientConfig) => o.KAFKA_TLS_CA_FILE !== undefined && o.KAFKA_TLS !== true)
  @IsEmpty({ message: 'needs KAFKA_TLS=true' })
  KAFKA_TLS_CA_FILE?: string;
}

/** Settings every service shares (Kafka's: {@link KafkaClientConfig}). Subclasses add their own (and must give `PORT` a meaning). */
export class BaseServiceConfig extends KafkaClientConfig {
  /** PostgreSQL connection URL (may hold a password: never logged). */
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/chuishao';

  /** Partitions for the topics we create. */
  @ToInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be between 1 and 64' })
  @Max(64, { message: 'must be between 1 and 64' })
  KAFKA_PARTITIONS: number = 6;

  /** HTTP port of this service (required; 0 = any free port, for tests). */
  @IsDefined({ message: MISSING })
  @ToInt()
  @IsInt({ message: 'must be an integer port number' })
  @Min(0, { message: 'must be a port number between 0 and 65535' })
  @Max(65535, { message: 'must be a port number between 0 and 65535' })
  PORT!: number;

  /** Interface to listen on. */
  @IsString()
  @IsNotEmpty()
  HOST: string = '127.0.0.1';

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** The district's time zone: periods, reports and calendar maths use it. */
  @IsTimeZone()
  CHUISHAO_TZ: string = 'Asia/Shanghai';

  /** HS256 secret for JWTs (dev and single-host installs). Required unless CHUISHAO_JWKS_URL is set. */
  @ValidateIf((o: BaseServiceConfig) => o.CHUISHAO_JWT_SECRET !== undefined || o.CHUISHAO_JWKS_URL === undefined)
  @IsDefined({ message: 'is required when CHUISHAO_JWKS_URL is not set (set one of the two)' })
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters long' })
  CHUISHAO_JWT_SECRET?: string;

  /** JWKS endpoint for RS256/ES256 tokens (production). When set, it is the one used. https only (http for a loopback host). */
  @IsOptional()
  @IsHttpsOrLoopbackUrl()
  CHUISHAO_JWKS_URL?: string;

  /** Expected `iss` of tokens verified with the JWKS (required with CHUISHAO_JWKS_URL). */
  @ValidateIf((o: BaseServiceConfig) => o.CHUISHAO_JWKS_URL !== undefined || o.CHUISHAO_JWT_ISSUER !== undefined)
  @IsDefined({ message: 'is required when CHUISHAO_JWKS_URL is set' })
  @IsString()
  CHUISHAO_JWT_ISSUER?: string;

  /** Expected `aud` of tokens verified with the JWKS (required with CHUISHAO_JWKS_URL). */
  @ValidateIf((o: BaseServiceConfig) => o.CHUISHAO_JWKS_URL !== undefined || o.CHUISHAO_JWT_AUDIENCE !== undefined)
  @IsDefined({ message: 'is required when CHUISHAO_JWKS_URL is set' })
  @IsString()
  CHUISHAO_JWT_AUDIENCE?: string;

  /** Tolerated clock skew when checking a token's exp/nbf/iat, seconds (0–300). */
  @ToInt()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must be between 0 and 300 seconds' })
  @Max(300, { message: 'must be between 0 and 300 seconds' })
  CHUISHAO_JWT_CLOCK_TOLERANCE_S: number = 60;

  /**
   * Proxies whose X-Forwarded-For/-Host/-Proto are believed (comma list of IPs, CIDRs or
   * `loopback`/`linklocal`/`uniquelocal`). A service sits behind the gateway on this machine: loopback.
   */
  @ToList()
  @IsArray({ message: 'must be a comma-separated list of IP addresses or CIDRs' })
  @IsProxyList()
  CHUISHAO_TRUSTED_PROXIES: string[] = ['loopback'];

  @IsString()
  NODE_ENV: string = 'development';
}

/** Thrown by {@link loadConfig}; `problems` holds one `NAME: message` per bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly className: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration (${className}), ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

function configKeys(cls: new () => object): string[] {
  const keys = new Set<string>(Object.keys(new cls()));
  for (const m of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    keys.add(m.propertyName);
  }
  return [...keys];
}

const TYPE_CHECKS = new Set(['isInt', 'isNumber', 'isBoolean', 'isString', 'isArray']);

function describe(error: ValidationError, path: string, out: string[]): void {
  const name = path ? `${path}.${error.property}` : error.property;
  const constraints = error.constraints ?? {};
  // a missing value: only "is required"; a value of the wrong type: only the type message
  const typeKeys = Object.keys(constraints).filter((k) => TYPE_CHECKS.has(k));
  const keep = (key: string): boolean =>
    error.value === undefined && 'isDefined' in constraints
      ? key === 'isDefined'
      : typeKeys.length === 0 || typeKeys.includes(key);
  const messages = Object.entries(constraints)
    .filter(([key]) => keep(key))
    .map(([, message]) => message.replace(new RegExp(`^(each value in )?${error.property} `), ''));
  if (messages.length > 0) out.push(`${name}: ${[...new Set(messages)].join('; ')}`);
  for (const child of error.children ?? []) describe(child, name, out);
}

/**
 * Reads, converts and validates `cls` from `env` (default `process.env`). Throws one
 * {@link ConfigValidationError} naming every bad or missing variable (values are never printed).
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const plain: Record<string, string> = {};
  for (const key of configKeys(cls)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') plain[key] = value;
  }
  const config = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(config, {
    forbidUnknownValues: true,
    validationError: { target: false, value: true },
  });
  if (errors.length > 0) {
    const problems: string[] = [];
    for (const e of errors) describe(e, '', problems);
    throw new ConfigValidationError(cls.name, problems);
  }
  return config;
}

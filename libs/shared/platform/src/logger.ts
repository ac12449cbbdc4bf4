import { LoggerService } from '@nestjs/common';
import { hostname } from 'node:os';
import pino, { DestinationStream, Logger } from 'pino';
import type { LogLevel } from './config';
import { safeErrorSerializer } from './safe-error';

export type { Logger } from 'pino';

/** Keys whose values are secrets or personal data, at any of the first three levels of a log object. */
const SENSITIVE_KEYS = ['token', 'password', 'description', 'comment', 'phone', 'email'];

/**
 * Redaction paths (fast-redact syntax). Secrets: the Authorization and Cookie headers, `token`,
 * `password`. Personal data (never logged): `description`, `comment`, `by.name`, `phone`, `email`.
 * A `*` matches one level, so each key is listed at the top level and one and two levels down.
 */
const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  ...SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'by.name',
  '*.by.name',
  '*.*.by.name',
];

/**
 * Masks secrets that travel in URLs: one-time feedback tokens (`/feedback/<token>`) and
 * `api_key` / `token` / `access_token` query parameters.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/feedback\/)[^/?#]+/g, '$1[REDACTED]')
    .replace(/([?&](?:api_key|token|access_token)=)[^&#]*/gi, '$1[REDACTED]');
}

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
  host?: string;
  id?: unknown;
  socket?: { remotePort?: number } | null;
}

/** Request serializer (same fields as Fastify's, URL secrets masked, no headers). */
function serializeRequest(req: unknown): Record<string, unknown> {
  if (typeof req !== 'object' || req === null) return { value: String(req) };
  const r = req as RequestLike;
  return {
    method: r.method,
    url: typeof r.url === 'string' ? redactUrl(r.url) : undefined,
    host: r.host,
    remoteAddress: r.ip,
    remotePort: r.socket?.remotePort ?? undefined,
  };
}

/**
 * The process's logger: JSON lines to stdout (or `destination`), `service` and an ISO `time` on
 * every line, textual `level`, secrets and personal data redacted (see {@link REDACT_PATHS}), errors
 * through {@link safeErrorSerializer} (no SQL parameters, query texts or values of a database error).
 */
export function createLogger(
  service: string,
  level: LogLevel | string = 'info',
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    serializers: {
      req: serializeRequest,
      // @fastify/reply-from logs the upstream URL as `source` ("fetching from remote server")
      source: (v: unknown) => (typeof v === 'string' ? redactUrl(v) : v),
      url: (v: unknown) => (typeof v === 'string' ? redactUrl(v) : v),
      // a database error keeps its SQLSTATE, constraint, table and statement label, never its
      // parameters, query text, detail or quoted values (contract §10; safe-error.ts)
      err: safeErrorSerializer,
      error: safeErrorSerializer,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

function looksLikeStack(value: unknown): value is string {
  return typeof value === 'string' && /\n\s+at /.test(value);
}

/**
 * Nest's `LoggerService` on top of pino, so that Nest's own lines (module init, route mapping,
 * unhandled errors) are JSON lines of the same logger. The Nest context goes to `context`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, params: unknown[]): void {
    const rest = [...params];
    let context: string | undefined;
    let stack: string | undefined;
    // Nest passes the context last: log(msg, context), error(msg, stack, context), error(msg, context).
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string' && !looksLikeStack(rest[rest.length - 1])) {
      context = rest.pop() as string;
    }
    if (level === 'error' || level === 'fatal') {
      const i = rest.findIndex(looksLikeStack);
      if (i >= 0) stack = rest.splice(i, 1)[0] as string;
    }
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = stack;
    if (rest.length > 0) fields.params = rest;

    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

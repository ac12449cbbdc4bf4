import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger as NestLogger,
} from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { throwError } from 'rxjs';
import { redactUrl } from './logger';

/**
 * RFC 9457 problem details, the body of every error answer (`application/problem+json`).
 *
 * Problem types (`type` URIs; they identify the kind of problem, `status` may vary only where
 * noted). Titles are Chinese first, then English.
 *
 * | type (https://chuishao.dev/problems/…) | status | title |
 * |---|---|---|
 * | `malformed-json`         | 400 | 请求体不是合法的 JSON / Malformed JSON |
 * | `bad-request`            | 400 | 请求格式错误 / Bad request (wrong types, unknown fields, bad parameters) |
 * | `unauthenticated`        | 401 | 未认证 / Unauthenticated |
 * | `forbidden`              | 403 | 无权访问 / Forbidden (wrong role or out of scope) |
 * | `not-found`              | 404 | 资源不存在 / Not found (unknown id or route) |
 * | `method-not-allowed`     | 405 | 方法不允许 / Method not allowed |
 * | `conflict`               | 409 | 状态冲突 / Conflict (state conflict, idempotency key reuse) |
 * | `payload-too-large`      | 413 | 请求体过大 / Payload too large (over 256 KiB) |
 * | `unsupported-media-type` | 415 | 不支持的媒体类型 / Unsupported media type |
 * | `validation`             | 422 | 请求参数无效 / Invalid request (well-formed but invalid) |
 * | `too-many-requests`      | 429 | 请求过于频繁 / Too many requests |
 * | `internal`               | 500 | 服务器内部错误 / Internal server error |
 * | `bad-gateway`            | 502 | 上游服务错误 / Bad gateway |
 * | `service-unavailable`    | 503 | 服务暂不可用 / Service unavailable |
 * | `gateway-timeout`        | 504 | 上游服务超时 / Gateway timeout |
 *
 * Any other status gets `about:blank` and the HTTP reason phrase as title (RFC 9457 §4.2.1).
 */
export interface ProblemFieldError {
  /** Dotted path into the request body/query, arrays indexed: `attachments[0].url`. */
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemFieldError[];
  instance?: string;
}

export const PROBLEM_BASE_URI = 'https://chuishao.dev/problems/';

export interface ProblemTypeInfo {
  readonly type: string;
  readonly status: number;
  readonly title: string;
}

function t(slug: string, status: number, title: string): ProblemTypeInfo {
  return { type: `${PROBLEM_BASE_URI}${slug}`, status, title };
}

export const PROBLEM_TYPES = {
  MALFORMED_JSON: t('malformed-json', 400, '请求体不是合法的 JSON / Malformed JSON'),
  BAD_REQUEST: t('bad-request', 400, '请求格式错误 / Bad request'),
  UNAUTHENTICATED: t('unauthenticated', 401, '未认证 / Unauthenticated'),
  FORBIDDEN: t('forbidden', 403, '无权访问 / Forbidden'),
  NOT_FOUND: t('not-found', 404, '资源不存在 / Not found'),
  METHOD_NOT_ALLOWED: t('method-not-allowed', 405, '方法不允许 / Method not allowed'),
  CONFLICT: t('conflict', 409, '状态冲突 / Conflict'),
  PAYLOAD_TOO_LARGE: t('payload-too-large', 413, '请求体过大 / Payload too large'),
  UNSUPPORTED_MEDIA_TYPE: t('unsupported-media-type', 415, '不支持的媒体类型 / Unsupported media type'),
  VALIDATION: t('validation', 422, '请求参数无效 / Invalid request'),
  TOO_MANY_REQUESTS: t('too-many-requests', 429, '请求过于频繁 / Too many requests'),
  INTERNAL: t('internal', 500, '服务器内部错误 / Internal server error'),
  BAD_GATEWAY: t('bad-gateway', 502, '上游服务错误 / Bad gateway'),
  SERVICE_UNAVAILABLE: t('service-unavailable', 503, '服务暂不可用 / Service unavailable'),
  GATEWAY_TIMEOUT: t('gateway-timeout', 504, '上游服务超时 / Gateway timeout'),
} as const;

const BY_STATUS = new Map<number, ProblemTypeInfo>();
for (const info of Object.values(PROBLEM_TYPES)) {
  // the first entry for a status is its default (400 → bad-request, not malformed-json)
  if (!BY_STATUS.has(info.status) || info === PROBLEM_TYPES.BAD_REQUEST) BY_STATUS.set(info.status, info);
}

/** The default type and title for a status (`about:blank` + reason phrase for unlisted ones). */
export function problemTypeFor(status: number): ProblemTypeInfo {
  return BY_STATUS.get(status) ?? { type: 'about:blank', status, title: STATUS_CODES[status] ?? 'Error' };
}

export const INTERNAL_ERROR_DETAIL = '服务器内部错误，已记录 / An unexpected error occurred; it has been logged.';

export interface ProblemOptions {
  /** Overrides the status's default type URI. */
  type?: string;
  instance?: string;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An HttpException whose response body is a {@link ProblemDetails}; the filter passes it through. */
export class ProblemException extends HttpException {
  readonly problem: ProblemDetails;
  readonly headers: Readonly<Record<string, string>>;

  constructor(problem: ProblemDetails, options: Omit<ProblemOptions, 'type' | 'instance'> = {}) {
    super(problem, problem.status, options.cause === undefined ? undefined : { cause: options.cause });
    this.problem = problem;
    this.headers = { ...(options.headers ?? {}) };
    this.name = 'ProblemException';
    this.message = `${problem.status} ${problem.title}: ${problem.detail}`;
  }

  static badRequest(detail: string, errors?: ProblemFieldError[]): ProblemException {
    return problem(400, PROBLEM_TYPES.BAD_REQUEST.title, detail, errors);
  }
  static malformedJson(detail = '请求体不是合法的 JSON / The request body is not valid JSON'): ProblemException {
    return problem(400, PROBLEM_TYPES.MALFORMED_JSON.title, detail, undefined, { type: PROBLEM_TYPES.MALFORMED_JSON.type });
  }
  static unauthenticated(detail: string, headers: Record<string, string> = { 'WWW-Authenticate': 'Bearer realm="chuishao"' }): ProblemException {
    return problem(401, PROBLEM_TYPES.UNAUTHENTICATED.title, detail, undefined, { headers });
  }
  static forbidden(detail: string): ProblemException {
    return problem(403, PROBLEM_TYPES.FORBIDDEN.title, detail);
  }
  static notFound(detail: string): ProblemException {
    return problem(404, PROBLEM_TYPES.NOT_FOUND.title, detail);
  }
  static conflict(detail: string, errors?: ProblemFieldError[]): ProblemException {
    return problem(409, PROBLEM_TYPES.CONFLICT.title, detail, errors);
  }
  static payloadTooLarge(detail = '请求体超过 256 KiB / The request body exceeds 256 KiB'): ProblemException {
    return problem(413, PROBLEM_TYPES.PAYLOAD_TOO_LARGE.title, detail);
  }
  static unsupportedMediaType(detail: string): ProblemException {
    return problem(415, PROBLEM_TYPES.UNSUPPORTED_MEDIA_TYPE.title, detail);
  }
  static validation(detail: string, errors?: ProblemFieldError[]): ProblemException {
    return problem(422, PROBLEM_TYPES.VALIDATION.title, detail, errors);
  }
  static internal(detail = INTERNAL_ERROR_DETAIL, cause?: unknown): ProblemException {
    return problem(500, PROBLEM_TYPES.INTERNAL.title, detail, undefined, { cause });
  }
  static serviceUnavailable(detail: string): ProblemException {
    return problem(503, PROBLEM_TYPES.SERVICE_UNAVAILABLE.title, detail);
  }
}

/** Builds a {@link ProblemException}; `type` defaults to the status's type (see the table above). */
export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: ProblemFieldError[],
  options: ProblemOptions = {},
): ProblemException {
  const body: ProblemDetails = { type: options.type ?? problemTypeFor(status).type, title, status, detail };
  if (errors && errors.length > 0) body.errors = errors;
  if (options.instance) body.instance = options.instance;
  return new ProblemException(body, { headers: options.headers, cause: options.cause });
}

/** True for a value shaped like {@link ProblemDetails}. */
export function isProblemDetails(value: unknown): value is ProblemDetails {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.type === 'string' &&
    typeof v.title === 'string' &&
    typeof v.status === 'number' &&
    typeof v.detail === 'string' &&
    (v.errors === undefined || Array.isArray(v.errors))
  );
}

// ---------------------------------------------------------------------------------------------
// Mapping any thrown value to a problem

const FASTIFY_CODES: Record<string, () => ProblemDetails> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => ProblemException.payloadTooLarge().problem,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    ProblemException.unsupportedMediaType('不支持该 Content-Type，请使用 application/json / Unsupported Content-Type; use application/json').problem,
  FST_ERR_CTP_INVALID_JSON_BODY: () => ProblemException.malformedJson().problem,
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    ProblemException.malformedJson('请求体为空但 Content-Type 为 application/json / Empty body with Content-Type application/json').problem,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    ProblemException.badRequest('请求体长度与 Content-Length 不符 / Request body size did not match Content-Length').problem,
};

function errorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function numericStatus(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { statusCode?: unknown; status?: unknown };
  const s = typeof v.statusCode === 'number' ? v.statusCode : typeof v.status === 'number' ? v.status : undefined;
  return s !== undefined && Number.isInteger(s) && s >= 400 && s <= 599 ? s : undefined;
}

function messageOf(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const m = (value as { message?: unknown }).message;
    if (Array.isArray(m)) return m.map(String).join('; ');
    if (typeof m === 'string') return m;
  }
  return typeof value === 'string' ? value : '';
}

/** The problem for an error raised by Fastify itself (body parsing and the like), or undefined. */
function fromFastifyError(err: unknown): ProblemDetails | undefined {
  const code = errorCode(err);
  if (code && FASTIFY_CODES[code]) return FASTIFY_CODES[code]();
  if (err instanceof SyntaxError) return ProblemException.malformedJson().problem;
  return undefined;
}

/**
 * Converts anything thrown into problem details. `original` is the raw error Fastify saw, when
 * the exception is Nest's re-wrapping of it (Nest maps Fastify errors to a plain HttpException
 * and loses their `code`).
 */
export function toProblemDetails(exception: unknown, original?: unknown): ProblemDetails {
  const fromFastify = fromFastifyError(original) ?? fromFastifyError(exception);
  if (fromFastify) return fromFastify;

  if (exception instanceof ProblemException) return exception.problem;

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (isProblemDetails(response)) return { ...response, status };
    // Fastify errors re-wrapped by Nest without the original (no hook installed): by status.
    if (typeof response === 'string' && (status === 413 || status === 415)) {
      return status === 413
        ? FASTIFY_CODES.FST_ERR_CTP_BODY_TOO_LARGE()
        : FASTIFY_CODES.FST_ERR_CTP_INVALID_MEDIA_TYPE();
    }
    if (typeof response === 'string' && status === 400 && /\bJSON\b/.test(response) && /^Body /.test(response)) {
      return ProblemException.malformedJson().problem;
    }
    const info = problemTypeFor(status);
    const detail = messageOf(response) || exception.message || info.title;
    return { type: info.type, title: info.title, status, detail };
  }

  const status = numericStatus(exception);
  if (status !== undefined && status < 500) {
    const info = problemTypeFor(status);
    return { type: info.type, title: info.title, status, detail: messageOf(exception) || info.title };
  }

  return { type: PROBLEM_TYPES.INTERNAL.type, title: PROBLEM_TYPES.INTERNAL.title, status: 500, detail: INTERNAL_ERROR_DETAIL };
}

// ---------------------------------------------------------------------------------------------
// Keeping Fastify's original error for the filter

const originalErrors = new WeakMap<object, unknown>();

/**
 * Adds an `onError` hook that remembers, per request, the raw error Fastify is about to hand to
 * Nest's error handler, so that {@link ProblemDetailsFilter} can map it by its `FST_ERR_*` code.
 * Must be installed before `app.init()` ({@link configureApp} does it).
 */
export function installProblemHooks(fastify: FastifyInstance): void {
  fastify.addHook('onError', (request, _reply, error, done) => {
    originalErrors.set(request, error);
    done();
  });
}

/** The raw Fastify error recorded for this request by {@link installProblemHooks}, if any. */
export function originalFastifyError(request: unknown): unknown {
  return typeof request === 'object' && request !== null ? originalErrors.get(request) : undefined;
}

interface RawResponse {
  headersSent?: boolean;
  statusCode: number;
  setHeader(name: string, value: string): void;
  end(body: string): void;
}

function isFastifyReply(value: unknown): value is FastifyReply {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'function' && 'raw' in value;
}

/**
 * Global exception filter: every error answer is `application/problem+json` (RFC 9457).
 * - ProblemException / HttpException whose body is already problem details → passed through;
 * - other HttpExceptions (Nest defaults) → converted, same status;
 * - Fastify errors: body too large → 413, unsupported media type → 415, malformed or empty JSON
 *   → 400 `malformed-json`;
 * - anything else → 500 with a generic detail; the error is logged with its stack.
 * 401 answers always carry `WWW-Authenticate: Bearer …`.
 * Outside HTTP (microservice handlers with `inheritAppConfig`), the exception is re-thrown
 * unchanged so the transport decides.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger?: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest | undefined>();
    const response: unknown = http.getResponse();
    const body = toProblemDetails(exception, originalFastifyError(request));

    if (body.status >= 500) {
      if (!(exception instanceof HttpException)) body.instance ??= requestInstance(request);
      this.logError(exception, request, body);
    }

    const headers: Record<string, string> = exception instanceof ProblemException ? { ...exception.headers } : {};
    if (body.status === 401 && !Object.keys(headers).some((h) => h.toLowerCase() === 'www-authenticate')) {
      headers['WWW-Authenticate'] = 'Bearer realm="chuishao"';
    }
    const payload = JSON.stringify(body);

    if (isFastifyReply(response)) {
      if (response.sent) return undefined;
      response.code(body.status);
      for (const [k, v] of Object.entries(headers)) response.header(k, v);
      response.header('content-type', 'application/problem+json; charset=utf-8');
      void response.send(payload);
      return undefined;
    }
    const raw = response as RawResponse;
    if (raw.headersSent) return undefined;
    raw.statusCode = body.status;
    for (const [k, v] of Object.entries(headers)) raw.setHeader(k, v);
    raw.setHeader('content-type', 'application/problem+json; charset=utf-8');
    raw.end(payload);
    return undefined;
  }

  private logError(exception: unknown, request: FastifyRequest | undefined, body: ProblemDetails): void {
    const req = request ? { method: request.method, url: request.url } : undefined;
    if (this.logger) {
      this.logger.error({ err: exception, req, reqId: request?.id, instance: body.instance }, `request failed with ${body.status}`);
    } else {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      NestLogger.error(`request failed with ${body.status}: ${req?.method ?? ''} ${redactUrl(req?.url ?? '')}`, stack, 'ProblemDetailsFilter');
    }
  }
}

function requestInstance(request: FastifyRequest | undefined): string | undefined {
  const id: unknown = request?.id;
  return typeof id === 'string' || typeof id === 'number' ? `urn:chuishao:request:${id}` : undefined;
}

import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

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

const PROBLEM_BASE_URI = 'https://chuishao.dev/problems/';

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

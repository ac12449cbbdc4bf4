import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger as NestLogger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { throwError } from 'rxjs';
import { redactUrl } from './logger';
import { INTERNAL_ERROR_DETAIL, isProblemDetails, PROBLEM_TYPES, problemTypeFor, ProblemException, type ProblemDetails } from './problem';

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
function originalFastifyError(request: unknown): unknown {
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

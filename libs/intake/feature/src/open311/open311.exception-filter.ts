import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redactUrl } from '@chuishao/platform';
import { formatOfUrl, open311ErrorOf } from './open311-error';
import { toXml } from './xml';

/** Writes an Open311 error list in the format of the URL (`.xml` → XML, else JSON). */
function sendOpen311Error(reply: FastifyReply, url: string, status: number, description: string): void {
  const errors = [{ code: status, description }];
  void reply.code(status);
  if (formatOfUrl(url) === 'xml') {
    void reply.header('content-type', 'text/xml; charset=utf-8').send(toXml('errors', errors));
  } else {
    void reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(errors));
  }
}

/**
 * The Open311 controller's own exception filter: GeoReport v2 clients expect
 * `[{"code":400,"description":"..."}]` (or `<errors><error>…`) — not RFC 9457 problem+json,
 * which the global filter answers everywhere else.
 */
@Catch()
export class Open311ExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('Open311');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, description } = open311ErrorOf(exception);
    if (status >= 500) this.log.error({ err: exception, url: redactUrl(request.url) }, 'Open311 request failed');
    if (reply.sent) return;
    sendOpen311Error(reply, request.url, status, description);
  }
}

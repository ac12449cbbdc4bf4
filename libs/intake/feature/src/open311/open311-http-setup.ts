import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatOfUrl } from './open311-error';
import { toXml } from './xml';

const OPEN311_PREFIX = '/open311/v2';
const FORM = 'application/x-www-form-urlencoded';

function isOpen311(url: string): boolean {
  return url === OPEN311_PREFIX || url.startsWith(`${OPEN311_PREFIX}/`);
}

/** `a=1&attribute[x]=2` → `{ a: '1', 'attribute[x]': '2' }` (the last of repeated keys wins). */
function parseForm(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * Fastify plumbing for Open311, on the app's Fastify instance (Nest mounts every route in Fastify's
 * root context, and its adapter registers a form parser — like @fastify/formbody — for all of them):
 * - a form-body parser (`application/x-www-form-urlencoded`) that parses under /open311/v2 only and
 *   answers 415 elsewhere, as before;
 * - an onSend hook that turns the platform's problem+json answers under /open311/v2 — errors raised
 *   before the controller runs: malformed JSON, a body over 256 KiB, an unknown route — into the
 *   Open311 error list, in the format of the URL.
 */
@Injectable()
export class Open311HttpSetup implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    // Nest's Fastify adapter registers a form parser for every route; intake's is scoped to Open311.
    if (fastify.hasContentTypeParser(FORM)) fastify.removeContentTypeParser(FORM);
    fastify.addContentTypeParser(FORM, { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
      if (!isOpen311(request.url)) {
        const err = Object.assign(new Error(`Unsupported Media Type: ${FORM}`), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
        done(err, undefined);
        return;
      }
      done(null, parseForm(typeof body === 'string' ? body : body.toString('utf8')));
    });
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (!isOpen311(request.url)) return payload;
      const type = String(reply.getHeader('content-type') ?? '');
      if (!type.startsWith('application/problem+json') || typeof payload !== 'string') return payload;
      let description = 'error';
      try {
        const p = JSON.parse(payload) as { detail?: string; title?: string };
        description = p.detail ?? p.title ?? description;
      } catch {
        /* keep the generic description */
      }
      const errors = [{ code: reply.statusCode, description }];
      if (formatOfUrl(request.url) === 'xml') {
        void reply.header('content-type', 'text/xml; charset=utf-8');
        return toXml('errors', errors);
      }
      void reply.header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(errors);
    });
  }
}

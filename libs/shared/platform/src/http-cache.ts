import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * HTTP caching of public answers (公示公开, docs/public.md): a strong ETag over the exact bytes,
 * `Cache-Control: public, max-age=N`, and 304 Not Modified when If-None-Match names it. One helper
 * for every public endpoint (intake, assessment, the gateway's board).
 */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** True when an If-None-Match header names `etag` (weak or strong, in a list, or `*`). */
export function matchesEtag(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const tags = (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

export interface CacheableAnswer {
  body: string;
  contentType: string;
  /** Seconds a client or proxy may reuse the answer without asking. */
  maxAgeSeconds: number;
  /** The ETag when already computed (a cached answer); else computed here. */
  etag?: string;
}

/** Sends a public answer with ETag and max-age, or 304 when the client holds it already. */
export function sendCacheable(request: FastifyRequest, reply: FastifyReply, answer: CacheableAnswer): FastifyReply {
  const etag = answer.etag ?? etagOf(answer.body);
  void reply.header('ETag', etag).header('Cache-Control', `public, max-age=${answer.maxAgeSeconds}`);
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.code(200).type(answer.contentType).send(answer.body);
}

/**
 * A value computed at most once per `ttlMs` per key, concurrent callers sharing one computation
 * (a wall screen and many phones cost one query per interval). `ttlMs` 0 computes every time.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 256,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { at: this.now(), value });
    // a failure is not kept: the next caller computes again
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}

/** Seconds of `CHUISHAO_PUBLIC_CACHE_SECONDS` (default 5): the public answers' max-age and server cache. */
export function publicCacheSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['CHUISHAO_PUBLIC_CACHE_SECONDS'];
  const n = raw === undefined || raw === '' ? 5 : Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 3600 ? n : 5;
}

/** The configured public base URL (`CHUISHAO_PUBLIC_BASE_URL`, default http://127.0.0.1:8080), without a trailing slash. */
export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const raw = (env['CHUISHAO_PUBLIC_BASE_URL'] || 'http://127.0.0.1:8080').trim();
  return raw.replace(/\/+$/, '');
}

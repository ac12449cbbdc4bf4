/**
 * The pure parts of the scorecard rendition cache (ADR 0008): an LRU bounded by bytes, the cache
 * key, the rule deciding which answers may be cached (a settled asOf), and the HTTP conditional
 * and content-coding decisions.
 */

/** A least-recently-used map bounded by the sum of its entries' sizes in bytes. */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private used = 0;

  /** `onEvict` is told about every entry pushed out to make room (not about deletes or replacements). */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (key: string, value: V, bytes: number) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held (the sum of the entries' sizes). */
  get bytes(): number {
    return this.used;
  }

  /** The value, now the most recently used; undefined if absent. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** The value without touching its recency. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /**
   * Stores `value` as the most recently used, replacing any value under `key`, and evicts the
   * least recently used entries until the total fits. A value larger than the whole capacity is
   * not stored (and any previous value under `key` is dropped): returns false.
   */
  set(key: string, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.capacity) return false;
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    this.evict(key);
    return true;
  }

  /** Changes the size of the entry under `key` (e.g. a gzip was added), evicting others to fit; false if it no longer fits at all (then it is dropped). */
  resize(key: string, bytes: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (bytes > this.capacity) {
      this.delete(key);
      return false;
    }
    this.used += bytes - e.bytes;
    e.bytes = bytes;
    this.evict(key);
    return true;
  }

  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.used -= e.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  /** Keys from the least to the most recently used. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private evict(keep: string): void {
    for (const [key, e] of this.entries) {
      if (this.used <= this.capacity) return;
      if (key === keep) continue;
      this.entries.delete(key);
      this.used -= e.bytes;
      this.onEvict?.(key, e.value, e.bytes);
    }
  }
}

/**
 * The asOf a scorecard is computed at: the requested one, else now; never in the future; never
 * later than the closing of a closed period (frozen). The answer is **settled** when that instant
 * lies strictly in the past: time passing no longer changes it, only a new fact dated at or before
 * it can (which the watermark sees). asOf = now of an open period is never settled.
 */
export function effectiveAsOf(requested: Date | undefined, now: Date, closing: { closedAt: Date } | undefined): { asOf: Date; settled: boolean } {
  let asOf = requested && requested.getTime() < now.getTime() ? requested : now;
  if (closing && closing.closedAt.getTime() < asOf.getTime()) asOf = closing.closedAt;
  return { asOf, settled: asOf.getTime() < now.getTime() };
}

export type ScorecardFormat = 'json' | 'csv' | 'xlsx';

export interface ScorecardKeyParts {
  period: string;
  /** The effective asOf (after capping), not the requested one. */
  asOf: Date;
  /** The closing that applies (part of the answer: `closedAt`). */
  closedAt: Date | null;
  policyVersion: number;
  explain: boolean;
  /** Only meaningful with explain = true (ignored otherwise, as by the reader); as given (the answer echoes it). */
  departmentId?: string;
  format: ScorecardFormat;
  timeZone: string;
  /** A department reading its own row (contract §11): the answer holds that row only. */
  onlyDepartment?: string;
  /** A stored version of a closed period's scorecard (amended after appeals), when one was asked for or is the latest. */
  version?: number;
}

/** Everything an answer depends on besides the projection's rows (which the watermark covers). */
export function scorecardCacheKey(k: ScorecardKeyParts): string {
  return JSON.stringify([
    k.period,
    k.asOf.toISOString(),
    k.closedAt ? k.closedAt.toISOString() : null,
    k.policyVersion,
    k.explain,
    k.explain ? (k.departmentId ?? null) : null,
    k.format,
    k.timeZone,
    ...(k.onlyDepartment ? [`only:${k.onlyDepartment}`] : []),
    ...(k.version !== undefined ? [`version:${k.version}`] : []),
  ]);
}

/** A strong entity tag (quoted) for a body hash; the gzip representation gets its own tag. */
export function entityTag(hash: string, gzip = false): string {
  return gzip ? `"${hash}-gz"` : `"${hash}"`;
}

/**
 * RFC 9110 §13.1.2 If-None-Match with weak comparison: true when `*` or one of the listed tags
 * names the same body (its identity or gzip tag, with or without `W/`).
 */
export function ifNoneMatchHits(header: string | string[] | undefined, hash: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const wanted = new Set([entityTag(hash), entityTag(hash, true)]);
  return value
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => wanted.has(t));
}

/** True when Accept-Encoding admits gzip (`gzip`, `x-gzip` or `*` with q > 0, gzip not refused with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of value.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) q = 0;
    const name = coding.trim();
    if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (name === '*') star = q;
  }
  if (gzip !== undefined) return gzip > 0;
  return star !== undefined && star > 0;
}

/** What an HTTP answer needs from a rendered scorecard. */
export interface RenditionForHttp {
  body: Buffer;
  contentType: string;
  disposition?: string;
  /** Body hash of a settled answer (ETag); null when it cannot be revalidated. */
  hash: string | null;
  cache: 'hit' | 'miss' | 'bypass';
  /** Whether a gzip representation may exist (cached renditions): the answer then varies by Accept-Encoding. */
  cacheable: boolean;
  gzip(): Buffer | undefined;
}

export interface HttpAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * The status, headers and bytes of a scorecard answer: 304 when If-None-Match names this body;
 * the gzip (Content-Encoding: gzip) when the client accepts it and it has been computed; the body
 * as rendered otherwise. `X-Chuishao-Cache` says hit, miss or bypass.
 */
export function httpAnswer(r: RenditionForHttp, request: { ifNoneMatch?: string | string[]; acceptEncoding?: string | string[] }): HttpAnswer {
  const headers: Record<string, string> = { 'x-chuishao-cache': r.cache };
  if (r.cacheable) headers.vary = 'Accept-Encoding';
  if (r.hash !== null) headers['cache-control'] = 'private, no-cache';
  if (r.hash !== null && ifNoneMatchHits(request.ifNoneMatch, r.hash)) {
    headers.etag = entityTag(r.hash);
    return { status: 304, headers };
  }
  headers['content-type'] = r.contentType;
  if (r.disposition) headers['content-disposition'] = r.disposition;
  const gz = r.cacheable && acceptsGzip(request.acceptEncoding) ? r.gzip() : undefined;
  if (gz) {
    headers['content-encoding'] = 'gzip';
    if (r.hash !== null) headers.etag = entityTag(r.hash, true);
    return { status: 200, headers, body: gz };
  }
  if (r.hash !== null) headers.etag = entityTag(r.hash);
  return { status: 200, headers, body: r.body };
}

import { gunzipSync, gzipSync } from 'node:zlib';
import { ConfigValidationError, loadConfig } from '@chuishao/platform';
import { acceptsGzip, ByteLru, effectiveAsOf, entityTag, httpAnswer, ifNoneMatchHits, scorecardCacheKey, type RenditionForHttp, type ScorecardKeyParts } from './scorecard-cache';
import { AssessmentConfig, scorecardCacheBytes } from './scorecard-cache.config';

describe('ByteLru (bounded by bytes)', () => {
  it('evicts the least recently used entries until the total fits, and reports them', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>(100, (k) => evicted.push(k));
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A'); // a is now more recent than b
    lru.set('c', 'C', 40);
    expect(evicted).toEqual(['b']);
    expect(lru.keys()).toEqual(['a', 'c']);
    expect(lru.bytes).toBe(80);
    expect(lru.get('b')).toBeUndefined();
  });

  it('replaces a value under the same key without counting it twice', () => {
    const lru = new ByteLru<string>(100);
    lru.set('a', 'A1', 60);
    lru.set('a', 'A2', 70);
    expect(lru.size).toBe(1);
    expect(lru.bytes).toBe(70);
    expect(lru.peek('a')).toBe('A2');
  });

  it('refuses a value larger than the whole budget (and drops the old value of that key)', () => {
    const lru = new ByteLru<string>(100);
    lru.set('a', 'A', 10);
    lru.set('x', 'X', 10);
    expect(lru.set('a', 'huge', 101)).toBe(false);
    expect(lru.peek('a')).toBeUndefined();
    expect(lru.keys()).toEqual(['x']);
    expect(lru.bytes).toBe(10);
  });

  it('resizes an entry (a gzip added) and evicts others, never the resized one', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>(100, (k) => evicted.push(k));
    lru.set('a', 'A', 30);
    lru.set('b', 'B', 30);
    lru.set('c', 'C', 30);
    expect(lru.resize('a', 60)).toBe(true); // a is the oldest but is the one growing
    expect(evicted).toEqual(['b']);
    expect(lru.keys()).toEqual(['a', 'c']);
    expect(lru.bytes).toBe(90);
    expect(lru.resize('a', 200)).toBe(false);
    expect(lru.keys()).toEqual(['c']);
    expect(lru.resize('nope', 1)).toBe(false);
  });

  it('holds nothing with a zero budget', () => {
    const lru = new ByteLru<string>(0);
    expect(lru.set('a', 'A', 1)).toBe(false);
    expect(lru.size).toBe(0);
  });

  it('deletes and clears', () => {
    const lru = new ByteLru<string>(100);
    lru.set('a', 'A', 10);
    lru.set('b', 'B', 20);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    expect(lru.bytes).toBe(20);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });
});

describe('effectiveAsOf (which answers are settled, hence cacheable)', () => {
  const now = new Date('2026-10-08T00:00:00.000Z');
  const closing = { closedAt: new Date('2026-10-02T00:00:00.000Z') };

  it('asOf = now of an open period is not settled', () => {
    expect(effectiveAsOf(undefined, now, undefined)).toEqual({ asOf: now, settled: false });
  });

  it('a future or present asOf is capped at now and not settled', () => {
    expect(effectiveAsOf(new Date('2027-01-01T00:00:00.000Z'), now, undefined)).toEqual({ asOf: now, settled: false });
    expect(effectiveAsOf(new Date(now.getTime()), now, undefined)).toEqual({ asOf: now, settled: false });
  });

  it('an explicit asOf in the past is settled, even 1 ms ago', () => {
    const past = new Date(now.getTime() - 1);
    expect(effectiveAsOf(past, now, undefined)).toEqual({ asOf: past, settled: true });
  });

  it('a closed period is frozen at its closing (later asOf capped, earlier honoured), settled', () => {
    expect(effectiveAsOf(undefined, now, closing)).toEqual({ asOf: closing.closedAt, settled: true });
    expect(effectiveAsOf(new Date('2026-10-05T00:00:00.000Z'), now, closing)).toEqual({ asOf: closing.closedAt, settled: true });
    const earlier = new Date('2026-09-01T00:00:00.000Z');
    expect(effectiveAsOf(earlier, now, closing)).toEqual({ asOf: earlier, settled: true });
  });

  it('a closing stamped ahead of this clock (skew) is not settled yet', () => {
    expect(effectiveAsOf(undefined, now, { closedAt: new Date(now.getTime() + 5) })).toEqual({ asOf: now, settled: false });
  });
});

describe('scorecardCacheKey', () => {
  const base: ScorecardKeyParts = {
    period: '2026-Q3',
    asOf: new Date('2026-10-02T00:00:00.000Z'),
    closedAt: new Date('2026-10-02T00:00:00.000Z'),
    policyVersion: 1,
    explain: true,
    format: 'json',
    timeZone: 'Asia/Shanghai',
  };

  it('differs in every part an answer depends on', () => {
    const variants: ScorecardKeyParts[] = [
      { ...base, period: '2026-09' },
      { ...base, asOf: new Date('2026-10-01T23:59:59.999Z') },
      { ...base, closedAt: null },
      { ...base, closedAt: new Date('2026-10-03T00:00:00.000Z') },
      { ...base, policyVersion: 2 },
      { ...base, explain: false },
      { ...base, departmentId: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d' },
      { ...base, format: 'csv' },
      { ...base, format: 'xlsx' },
      { ...base, timeZone: 'Europe/Berlin' },
    ];
    const keys = new Set([base, ...variants].map(scorecardCacheKey));
    expect(keys.size).toBe(variants.length + 1);
  });

  it('is the same for equal parts (Date instances compared by instant) and ignores the department without explanations', () => {
    expect(scorecardCacheKey({ ...base, asOf: new Date(base.asOf.getTime()) })).toBe(scorecardCacheKey(base));
    expect(scorecardCacheKey({ ...base, explain: false, departmentId: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d' })).toBe(scorecardCacheKey({ ...base, explain: false }));
  });

  it('cannot be confused by separators inside a part', () => {
    expect(scorecardCacheKey({ ...base, period: '2026","x' })).not.toBe(scorecardCacheKey({ ...base, period: '2026', timeZone: 'x' }));
  });
});

describe('conditional requests and content coding', () => {
  it('If-None-Match: weak comparison, lists, *, the gzip tag', () => {
    expect(ifNoneMatchHits(undefined, 'abc')).toBe(false);
    expect(ifNoneMatchHits('"abc"', 'abc')).toBe(true);
    expect(ifNoneMatchHits('W/"abc"', 'abc')).toBe(true);
    expect(ifNoneMatchHits('"x", "abc-gz"', 'abc')).toBe(true);
    expect(ifNoneMatchHits('*', 'abc')).toBe(true);
    expect(ifNoneMatchHits('"abcd"', 'abc')).toBe(false);
    expect(ifNoneMatchHits('abc', 'abc')).toBe(false); // unquoted is not an entity tag
    expect(ifNoneMatchHits(['"x"', '"abc"'], 'abc')).toBe(true);
  });

  it('Accept-Encoding: gzip, x-gzip, *, q-values', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('x-gzip')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*, gzip;q=0')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('br, deflate')).toBe(false);
    expect(acceptsGzip('*;q=0')).toBe(false);
  });
});

describe('httpAnswer', () => {
  const body = Buffer.from('{"period":"2026-Q3"}'.repeat(100));
  const gz = gzipSync(body);
  const rendition = (o: Partial<RenditionForHttp> = {}): RenditionForHttp => ({
    body,
    contentType: 'application/json; charset=utf-8',
    hash: 'h1',
    cache: 'hit',
    cacheable: true,
    gzip: () => gz,
    ...o,
  });

  it('serves the body with a strong ETag, the cache outcome and Vary', () => {
    const a = httpAnswer(rendition(), {});
    expect(a.status).toBe(200);
    expect(a.body).toBe(body);
    expect(a.headers).toMatchObject({ etag: entityTag('h1'), 'x-chuishao-cache': 'hit', vary: 'Accept-Encoding', 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-cache' });
    expect(a.headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 without a body when If-None-Match names the body', () => {
    const a = httpAnswer(rendition(), { ifNoneMatch: '"h1"' });
    expect(a.status).toBe(304);
    expect(a.body).toBeUndefined();
    expect(a.headers.etag).toBe('"h1"');
    expect(httpAnswer(rendition(), { ifNoneMatch: '"h0"' }).status).toBe(200);
  });

  it('serves the gzip when accepted and computed; it decompresses to the body', () => {
    const a = httpAnswer(rendition(), { acceptEncoding: 'gzip, br' });
    expect(a.headers['content-encoding']).toBe('gzip');
    expect(a.headers.etag).toBe(entityTag('h1', true));
    expect(gunzipSync(a.body as Buffer).equals(body)).toBe(true);
    // not computed yet: the identity body
    expect(httpAnswer(rendition({ gzip: () => undefined }), { acceptEncoding: 'gzip' }).body).toBe(body);
  });

  it('an unsettled answer: no ETag, no 304, no gzip, no Vary', () => {
    let asked = false;
    const a = httpAnswer(
      rendition({
        hash: null,
        cache: 'bypass',
        cacheable: false,
        gzip: () => {
          asked = true;
          return gz;
        },
      }),
      { ifNoneMatch: '*', acceptEncoding: 'gzip' },
    );
    expect(a.status).toBe(200);
    expect(a.body).toBe(body);
    expect(asked).toBe(false);
    expect(a.headers).toEqual({ 'x-chuishao-cache': 'bypass', 'content-type': 'application/json; charset=utf-8' });
  });

  it('keeps the attachment disposition of the exports', () => {
    const a = httpAnswer(rendition({ contentType: 'text/csv; charset=utf-8', disposition: 'attachment; filename="x.csv"' }), {});
    expect(a.headers['content-disposition']).toBe('attachment; filename="x.csv"');
  });
});

describe('ASSESSMENT_SCORECARD_CACHE_MB', () => {
  it('defaults to 256 MiB, 0 turns the cache off', () => {
    expect(scorecardCacheBytes({})).toBe(256 * 1024 * 1024);
    expect(scorecardCacheBytes({ ASSESSMENT_SCORECARD_CACHE_MB: '0' })).toBe(0);
    expect(scorecardCacheBytes({ ASSESSMENT_SCORECARD_CACHE_MB: '16' })).toBe(16 * 1024 * 1024);
  });

  it.each(['-1', 'lots', '1.5', '65537'])('refuses %s', (value) => {
    expect(() => scorecardCacheBytes({ ASSESSMENT_SCORECARD_CACHE_MB: value })).toThrow(ConfigValidationError);
  });

  it('is validated at boot with the rest of the service configuration (AssessmentConfig)', () => {
    const env = { PORT: '0', CHUISHAO_JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(AssessmentConfig, env).ASSESSMENT_SCORECARD_CACHE_MB).toBe(256);
    expect(() => loadConfig(AssessmentConfig, { ...env, ASSESSMENT_SCORECARD_CACHE_MB: 'lots' })).toThrow(/ASSESSMENT_SCORECARD_CACHE_MB: must be an integer/);
  });
});

import { etagOf, matchesEtag, publicBaseUrl, publicCacheSeconds, TtlCache } from './http-cache';

describe('public HTTP caching', () => {
  it('ETags are stable over the bytes and matched weak, strong, in lists and *', () => {
    const tag = etagOf('{"a":1}');
    expect(tag).toBe(etagOf(Buffer.from('{"a":1}')));
    expect(tag).not.toBe(etagOf('{"a":2}'));
    expect(matchesEtag(tag, tag)).toBe(true);
    expect(matchesEtag(`W/${tag}`, tag)).toBe(true);
    expect(matchesEtag(`"x", ${tag}`, tag)).toBe(true);
    expect(matchesEtag('*', tag)).toBe(true);
    expect(matchesEtag('"other"', tag)).toBe(false);
    expect(matchesEtag(undefined, tag)).toBe(false);
  });

  it('TtlCache computes once per interval, shares concurrent calls and forgets failures', async () => {
    let t = 0;
    let calls = 0;
    const cache = new TtlCache<number>(1000, 10, () => t);
    const compute = async () => ++calls;
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    t = 999;
    expect(await cache.get('k', compute)).toBe(1);
    t = 1000;
    expect(await cache.get('k', compute)).toBe(2);
    await expect(cache.get('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('bad', compute)).toBe(3);
    const off = new TtlCache<number>(0);
    expect(await off.get('k', compute)).toBe(4);
    expect(await off.get('k', compute)).toBe(5);
  });

  it('reads its configuration with safe defaults', () => {
    expect(publicCacheSeconds({})).toBe(5);
    expect(publicCacheSeconds({ CHUISHAO_PUBLIC_CACHE_SECONDS: '0' })).toBe(0);
    expect(publicCacheSeconds({ CHUISHAO_PUBLIC_CACHE_SECONDS: 'soon' })).toBe(5);
    expect(publicBaseUrl({})).toBe('http://127.0.0.1:8080');
    expect(publicBaseUrl({ CHUISHAO_PUBLIC_BASE_URL: 'https://chuishao.heping.gov.cn/' })).toBe('https://chuishao.heping.gov.cn');
  });
});

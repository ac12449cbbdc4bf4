import { isIP } from 'node:net';

/**
 * Small network rules shared by configuration and the HTTP edge: which hosts are loopback, which
 * URLs may carry key material (https, or http to this machine only), and what a trusted-proxy
 * entry may look like.
 */

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (brackets allowed). */
function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** An `https:` URL, or an `http:` URL whose host is loopback (a local identity provider in development). */
export function isHttpsOrLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return url.hostname !== '';
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** proxy-addr's named ranges, accepted in CHUISHAO_TRUSTED_PROXIES besides addresses and CIDRs. */
export const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** One entry of a trusted-proxy list: an IPv4/IPv6 address, a CIDR, or a proxy-addr range name. */
export function isProxyEntry(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim();
  if ((PROXY_RANGE_NAMES as readonly string[]).includes(v)) return true;
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

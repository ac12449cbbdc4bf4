import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stateless Open311 API keys for streets: `o311.<base64url(streetId)>.<base64url(mac)>` with
 * mac = HMAC-SHA256(secret, "open311:" + streetId). Nothing is stored; rotating the secret
 * revokes every key.
 */
export const OPEN311_KEY_PREFIX = 'o311';

function mac(streetId: string, secret: string): string {
  return createHmac('sha256', secret).update(`open311:${streetId}`, 'utf8').digest('base64url');
}

export function issueOpen311Key(streetId: string, secret: string): string {
  if (!streetId) throw new Error('streetId is required');
  if (!secret) throw new Error('secret is required');
  return `${OPEN311_KEY_PREFIX}.${Buffer.from(streetId, 'utf8').toString('base64url')}.${mac(streetId, secret)}`;
}

/** The street id of a valid key, or undefined (constant-time comparison of the whole key). */
export function verifyOpen311Key(key: unknown, secret: string): string | undefined {
  if (typeof key !== 'string' || !secret || key.length > 512) return undefined;
  const parts = key.split('.');
  if (parts.length !== 3 || parts[0] !== OPEN311_KEY_PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
  const streetId = Buffer.from(parts[1], 'base64url').toString('utf8');
  if (!streetId) return undefined;
  const expected = Buffer.from(issueOpen311Key(streetId, secret), 'utf8');
  const given = Buffer.from(key, 'utf8');
  if (given.length !== expected.length) return undefined;
  return timingSafeEqual(given, expected) ? streetId : undefined;
}

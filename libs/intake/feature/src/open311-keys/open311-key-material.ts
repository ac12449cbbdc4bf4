import { createHash, randomBytes } from 'node:crypto';

/** Every key starts so: people and secret scanners recognise it. */
const OPEN311_KEY_PREFIX = 'o311_';
/** How much of a key lists show: the prefix and 8 characters (48 bits), never enough to use it. */
const SHOWN = OPEN311_KEY_PREFIX.length + 8;

/** SHA-256 hex of a key: the only form in which a key is stored or recorded in an event. */
export function hashOpen311Key(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * A new key: `o311_` + 32 random bytes in base64url (256 bits). A fast hash is enough for a key
 * of that entropy (nothing to brute-force, unlike a password), and the lookup is by that hash.
 */
export function newOpen311Key(): { key: string; prefix: string; keyHash: string } {
  const key = `${OPEN311_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN), keyHash: hashOpen311Key(key) };
}

/** Looks like a key we could have issued (cheap filter before any database lookup). */
export function isOpen311KeyShaped(key: unknown): key is string {
  return typeof key === 'string' && key.length === OPEN311_KEY_PREFIX.length + 43 && key.startsWith(OPEN311_KEY_PREFIX) && /^[A-Za-z0-9_-]+$/.test(key.slice(OPEN311_KEY_PREFIX.length));
}

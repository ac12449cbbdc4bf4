import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** What the provider keeps between starts: its signing key and its cookie keys. Never in git. */
export interface ProviderSecrets {
  /** Private signing keys (JWK, ES256), first = current. */
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

/**
 * The provider's keys from `<dir>/keys.json`, generated at the first start and written with mode
 * 0600 (the folder 0700). Kept, so that tokens and sessions survive a restart of the provider.
 */
export async function loadOrCreateSecrets(dir: string): Promise<{ secrets: ProviderSecrets; created: boolean }> {
  const file = join(dir, 'keys.json');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return { secrets: JSON.parse(readFileSync(file, 'utf8')) as ProviderSecrets, created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const secrets: ProviderSecrets = {
    jwks: { keys: [{ ...jwk, alg: 'ES256', use: 'sig', kid: randomBytes(8).toString('hex') }] },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return { secrets, created: true };
}

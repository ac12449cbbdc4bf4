import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defaultCatalog } from '@chuishao/catalog';
import { open311KeyStatus } from '@chuishao/intake-domain';
import { hashOpen311Key, isOpen311KeyShaped } from './open311-key-material';
import { Open311KeysRepository } from './open311-keys.repository';

/** What a presented key is: a working key of a street, a known key that no longer works, or nothing we issued. */
export type Open311KeyCheck =
  | { status: 'active'; keyId: string; streetId: string }
  | { status: 'revoked' | 'expired'; keyId: string; streetId: string }
  | { status: 'unknown' };

/** The street a working key belongs to (the one function Open311 handlers call). */
export type VerifyOpen311Key = (key: unknown) => Promise<{ streetId: string; keyId: string } | undefined>;

/**
 * Checks Open311 `api_key`s against `open311_keys` by their SHA-256. No constant-time comparison
 * is needed: the database looks the hash up, and what timing could tell about a hash's first bytes
 * does not help anyone find a 256-bit key that hashes to it. Every use is logged with the key's id
 * and outcome, never the key; a working key's `last_used_at` is kept (at most one write a minute).
 */
@Injectable()
export class Open311KeyVerifier {
  private readonly log = new Logger('Open311Keys');

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: Open311KeysRepository,
  ) {}

  async check(key: unknown, now: Date = new Date()): Promise<Open311KeyCheck> {
    if (!isOpen311KeyShaped(key)) return { status: 'unknown' };
    const found = await this.keys.findByHash(this.dataSource, hashOpen311Key(key));
    if (!found || !defaultCatalog().street(found.streetId)) {
      this.log.warn({ outcome: 'unknown' }, 'Open311 key refused');
      return { status: 'unknown' };
    }
    const status = open311KeyStatus(found, now);
    if (status !== 'active') {
      this.log.warn({ keyId: found.id, streetId: found.streetId, outcome: status }, 'Open311 key refused');
      return { status, keyId: found.id, streetId: found.streetId };
    }
    this.log.log({ keyId: found.id, streetId: found.streetId, outcome: 'accepted' }, 'Open311 key used');
    await this.keys.touch(this.dataSource, found.id);
    return { status, keyId: found.id, streetId: found.streetId };
  }

  /** The street and id of a working key, else undefined (unknown, revoked or expired). */
  readonly verify: VerifyOpen311Key = async (key) => {
    const c = await this.check(key);
    return c.status === 'active' ? { streetId: c.streetId, keyId: c.keyId } : undefined;
  };
}

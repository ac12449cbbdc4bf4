import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import type { Principal } from '@chuishao/auth';
import { defaultCatalog } from '@chuishao/catalog';
import { ProblemException } from '@chuishao/platform';
import { decideOpen311Key, type Open311KeyIssuedData } from '@chuishao/intake-domain';
import { asProblem } from '../domain-problem';
import { metadataFor } from '../whistles/metadata';
import { newOpen311Key } from './open311-key-material';
import { Open311KeysRepository, type Open311KeyListItem } from './open311-keys.repository';

const open311KeyStreamId = (keyId: string): string => `open311key-${keyId}`;

/**
 * Issues and revokes streets' Open311 keys (contract §14): read → decide → append on intake's
 * stream `open311key-<id>` (the audit trail: who issued or revoked which key when, with its hash,
 * never the key) and project into `open311_keys`, in one transaction. Nothing goes to the bus.
 */
@Injectable()
export class Open311KeysHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly keys: Open311KeysRepository,
  ) {}

  async issue(principal: Principal, input: { streetId: string; label: string | null; expiresAt: string | null }): Promise<Open311KeyListItem & { key: string }> {
    if (!defaultCatalog().street(input.streetId)) {
      throw ProblemException.validation(`未知的街道 / Unknown street ${input.streetId}`, [{ field: 'streetId', message: 'must be a street of the catalog' }]);
    }
    const keyId = randomUUID();
    const { key, prefix, keyHash } = newOpen311Key();
    const data: Open311KeyIssuedData = { keyId, streetId: input.streetId, label: input.label, prefix, keyHash, expiresAt: input.expiresAt };
    try {
      const events = decideOpen311Key({ type: 'IssueOpen311Key', now: new Date().toISOString(), ...data }, null);
      await this.dataSource.transaction(async (em) => {
        const [stored] = await this.store.append(em, open311KeyStreamId(keyId), 0, events, metadataFor(principal, randomUUID(), null));
        await this.keys.recordIssued(em, data, stored.occurredAt, principal.sub);
      });
    } catch (err) {
      throw asProblem(err, 'expiresAt');
    }
    const item = await this.keys.find(this.dataSource, keyId);
    if (!item) throw ProblemException.internal();
    const { revoked: _revoked, ...shown } = item;
    return { ...shown, key };
  }

  /** Revokes a key; revoking a revoked key changes nothing (idempotent). Unknown id → 404. */
  async revoke(principal: Principal, keyId: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (em) => {
        const current = await this.keys.find(em, keyId, true);
        if (!current) throw ProblemException.notFound(`密钥不存在 / No Open311 key ${keyId}`);
        const events = decideOpen311Key({ type: 'RevokeOpen311Key', keyId }, { keyId, streetId: current.streetId, expiresAt: current.expiresAt, revoked: current.revoked });
        if (events.length === 0) return;
        const streamId = open311KeyStreamId(keyId);
        const { version } = await this.store.readStream(em, streamId);
        const [stored] = await this.store.append(em, streamId, version, events, metadataFor(principal, randomUUID(), null));
        await this.keys.recordRevoked(em, keyId, stored.occurredAt, principal.sub);
      });
    } catch (err) {
      throw asProblem(err);
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';
import type { Open311KeyIssuedData } from '@chuishao/intake-domain';

/** A key as lists show it: never the key, never its hash. */
export interface Open311KeyListItem {
  id: string;
  streetId: string;
  label: string | null;
  prefix: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface KeyRow {
  id: string;
  street_id: string;
  label: string | null;
  prefix: string;
  created_at: Date;
  created_by: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const toItem = (r: KeyRow): Open311KeyListItem => ({
  id: r.id,
  streetId: r.street_id,
  label: r.label,
  prefix: r.prefix,
  createdAt: new Date(r.created_at).toISOString(),
  createdBy: r.created_by,
  expiresAt: iso(r.expires_at),
  revokedAt: iso(r.revoked_at),
  lastUsedAt: iso(r.last_used_at),
});
const COLUMNS = 'id, street_id, label, prefix, created_at, created_by, expires_at, revoked_at, last_used_at';

/** The `open311_keys` projection, written in the transaction of the event it projects. */
@Injectable()
export class Open311KeysRepository {
  async recordIssued(db: Queryable, data: Open311KeyIssuedData, at: Date, by: string): Promise<void> {
    await db.query(
      `INSERT INTO open311_keys (id, street_id, label, prefix, key_hash, created_at, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [data.keyId, data.streetId, data.label, data.prefix, data.keyHash, at, by, data.expiresAt],
    );
  }

  async recordRevoked(db: Queryable, keyId: string, at: Date, by: string): Promise<void> {
    await db.query(`UPDATE open311_keys SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL`, [keyId, at, by]);
  }

  async find(db: Queryable, id: string, lock = false): Promise<(Open311KeyListItem & { revoked: boolean }) | undefined> {
    const rows: KeyRow[] = await db.query(`SELECT ${COLUMNS} FROM open311_keys WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ? { ...toItem(rows[0]), revoked: rows[0].revoked_at !== null } : undefined;
  }

  async list(db: Queryable, streetId?: string): Promise<Open311KeyListItem[]> {
    const rows: KeyRow[] = streetId
      ? await db.query(`SELECT ${COLUMNS} FROM open311_keys WHERE street_id = $1 ORDER BY created_at DESC, id`, [streetId])
      : await db.query(`SELECT ${COLUMNS} FROM open311_keys ORDER BY created_at DESC, id`);
    return rows.map(toItem);
  }

  async findByHash(db: Queryable, keyHash: string): Promise<{ id: string; streetId: string; expiresAt: string | null; revoked: boolean } | undefined> {
    const rows: Array<{ id: string; street_id: string; expires_at: Date | null; revoked_at: Date | null }> = await db.query(
      `SELECT id, street_id, expires_at, revoked_at FROM open311_keys WHERE key_hash = $1`,
      [keyHash],
    );
    const r = rows[0];
    return r ? { id: r.id, streetId: r.street_id, expiresAt: iso(r.expires_at), revoked: r.revoked_at !== null } : undefined;
  }

  /** Marks a use; at most one write a minute per key, so a busy client does not write on every request. */
  async touch(db: Queryable, id: string): Promise<void> {
    await db.query(`UPDATE open311_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }
}

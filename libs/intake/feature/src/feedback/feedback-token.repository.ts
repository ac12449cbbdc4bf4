import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';

/** A one-time feedback link as stored: the whistle it rates, when it expires, when the whistle was resolved, when it was used. */
export interface FeedbackTokenRow {
  whistle_id: string;
  expires_at: Date;
  resolved_at: Date;
  used_at: Date | null;
}

/**
 * `feedback_tokens`: one row per feedback link (contract §5), keyed by SHA-256 of the token — the
 * token itself is never stored (`hashToken`, feedback-tokens.ts). Written in the transaction of the event it
 * belongs to: issued with FeedbackRequested, used with FeedbackGiven.
 */
@Injectable()
export class FeedbackTokenRepository {
  /** The link's row, or undefined; `lock`: FOR UPDATE, until the caller's transaction ends. */
  async find(db: Queryable, tokenHash: string, { lock }: { lock: boolean }): Promise<FeedbackTokenRow | undefined> {
    const rows: FeedbackTokenRow[] = await db.query(
      `SELECT whistle_id, expires_at, resolved_at, used_at FROM feedback_tokens WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`,
      [tokenHash],
    );
    return rows[0];
  }

  /** A new link for a whistle, its FeedbackRequested event and when the whistle was resolved. */
  async issue(db: Queryable, link: { tokenHash: string; whistleId: string; eventId: string; expiresAt: string; resolvedAt: Date }): Promise<void> {
    await db.query(
      `INSERT INTO feedback_tokens (token_hash, whistle_id, event_id, expires_at, resolved_at) VALUES ($1, $2, $3, $4, $5)`,
      [link.tokenHash, link.whistleId, link.eventId, link.expiresAt, link.resolvedAt],
    );
  }

  /** The link has been used: it never rates again. */
  async markUsed(db: Queryable, tokenHash: string): Promise<void> {
    await db.query(`UPDATE feedback_tokens SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
  }
}

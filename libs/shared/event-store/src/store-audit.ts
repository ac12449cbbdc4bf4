import type { Queryable } from '@chuishao/postgres';
import { chainedBody, type EventRow } from './event-store';
import { verifyChain, type ChainVerdict } from './hash-chain';

/** A stream whose chain does not hold, with the first bad position and why. */
export type BadStream = { streamId: string } & ChainVerdict;

export interface StoreAudit {
  streams: number;
  events: number;
  /** The streams that do not verify (at most `maxBad` of them are listed; `badCount` counts all). */
  bad: BadStream[];
  badCount: number;
  /** Events stored under no stream of the `streams` table (possible only with its foreign key dropped). */
  orphanEvents: number;
}

/** Counts a finding, and lists it while fewer than `max` are listed (the audits' `bad` / `badCount`). */
export function noteBad<T>(found: { bad: T[]; badCount: number }, max: number, item: T): void {
  found.badCount += 1;
  if (found.bad.length < max) found.bad.push(item);
}

export interface StoreAuditOptions {
  /** Streams read per statement (keyset pages). Default 1000. */
  pageSize?: number;
  /** How many bad streams to list. Default 100. */
  maxBad?: number;
  onProgress?: (p: { streams: number; total: number; events: number }) => void;
}

/**
 * Verifies every stream of one service's event store (the `events` and `streams` tables on the
 * connection's search_path), each chain from its first event up to its recorded head, page by page
 * in stream-id order; a page is one statement, so a stream is always read with its head as of one
 * instant. Streams appended meanwhile are verified as they are found.
 */
export async function auditStore(db: Queryable, options: StoreAuditOptions = {}): Promise<StoreAudit> {
  const pageSize = options.pageSize ?? 1000;
  const maxBad = options.maxBad ?? 100;
  const [{ total }]: Array<{ total: string }> = await db.query(`SELECT count(*) AS total FROM streams`);
  const audit: StoreAudit = { streams: 0, events: 0, bad: [], badCount: 0, orphanEvents: 0 };
  let after = '';
  for (;;) {
    const rows: Array<Partial<EventRow> & { s_id: string; head_version: string; head_hash: string }> = await db.query(
      `WITH s AS (SELECT stream_id, version, last_hash FROM streams WHERE stream_id > $1 ORDER BY stream_id LIMIT $2)
       SELECT s.stream_id AS s_id, s.version AS head_version, s.last_hash AS head_hash, e.*
         FROM s LEFT JOIN events e ON e.stream_id = s.stream_id
        ORDER BY s.stream_id, e.stream_position`,
      [after, pageSize],
    );
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; ) {
      const streamId = rows[i].s_id;
      let j = i;
      while (j < rows.length && rows[j].s_id === streamId) j++;
      const mine = rows.slice(i, j);
      const events = mine.filter((r) => r.event_id !== null && r.event_id !== undefined).map((r) => chainedBody(r as EventRow));
      const verdict = verifyChain(events, { length: Number(mine[0].head_version), lastHash: mine[0].head_hash });
      audit.streams += 1;
      audit.events += events.length;
      if (!verdict.valid) noteBad(audit, maxBad, { streamId, ...verdict });
      after = streamId;
      i = j;
    }
    options.onProgress?.({ streams: audit.streams, total: Math.max(Number(total), audit.streams), events: audit.events });
  }
  const [{ orphans }]: Array<{ orphans: string }> = await db.query(
    `SELECT count(*) AS orphans FROM events e WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.stream_id = e.stream_id)`,
  );
  audit.orphanEvents = Number(orphans);
  return audit;
}

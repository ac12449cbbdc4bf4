import { randomUUID } from 'node:crypto';
import { chainHash, GENESIS_HASH, verifyChain, type ChainedEventBody, type ChainHead, type ChainVerdict } from './hash-chain';
import { companionCtes, insertRows, type ColumnSpec, type Companion, type Queryable } from '@chuishao/postgres';
import {
  ConcurrencyError,
  type EventDraft,
  type EventMetadata,
  type ExpectedVersion,
  type NewEvent,
  type StoredEvent,
  type UpcasterRegistry,
} from './types';

const EVENT_COLUMNS: ColumnSpec[] = [
  ['event_id', 'uuid'],
  ['stream_id', 'text'],
  ['stream_position', 'bigint'],
  ['type', 'text'],
  ['schema_version', 'int'],
  ['data', 'jsonb'],
  ['metadata', 'jsonb'],
  ['occurred_at', 'timestamptz'],
  ['prev_hash', 'char(64)'],
  ['hash', 'char(64)'],
];
const STREAM_COLUMNS: ColumnSpec[] = [
  ['stream_id', 'text'],
  ['stream_type', 'text'],
  ['version', 'bigint'],
  ['last_hash', 'char(64)'],
];

/**
 * For the companions of a gated {@link EventStore.appendNewStreams}: the subquery of the stream ids
 * the statement wrote (`… WHERE v.stream_id IN ${WRITTEN_STREAMS}`).
 */
export const WRITTEN_STREAMS = '(SELECT stream_id FROM s)';

/**
 * A companion's row filter (rowSource `where`): only the rows whose stream — `streamOf`, an
 * expression over the columns `v.…` — the gated append wrote; undefined when it is not gated.
 */
export function inWrittenStreams(streamOf: string, gated = true): string | undefined {
  return gated ? `${streamOf} IN ${WRITTEN_STREAMS}` : undefined;
}

/** Anything that can run a parameterised query: a TypeORM EntityManager, QueryRunner or DataSource. */



export interface EventRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_position: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  occurred_at: Date;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
}

export interface EventStoreOptions {
  upcasters?: UpcasterRegistry;
  /** Current schema version per event type (default 1). */
  schemaVersions?: Record<string, number>;
}

export interface ReadStreamResult<E extends StoredEvent = StoredEvent> {
  version: number;
  events: E[];
}

/**
 * A PostgreSQL event store in the caller's schema (search_path). Appends run inside the caller's
 * transaction, so the same transaction can write the outbox (and, for consumers, the inbox).
 */
export class EventStore {
  constructor(private readonly options: EventStoreOptions = {}) {}

  async readStream(db: Queryable, streamId: string): Promise<ReadStreamResult> {
    const rows: EventRow[] = await db.query(
      `SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_position`,
      [streamId],
    );
    const events = rows.map((r) => this.toStored(r, true));
    return { version: events.length === 0 ? 0 : events[events.length - 1].streamPosition, events };
  }

  /** Locks the stream's row (if it exists) until the caller's transaction ends. */
  async lockStream(db: Queryable, streamId: string): Promise<void> {
    await db.query(`SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE`, [streamId]);
  }

  /** The stream's version (0 when it does not exist), without reading its events. */
  async readHead(db: Queryable, streamId: string): Promise<number> {
    const rows: Array<{ version: string }> = await db.query(`SELECT version FROM streams WHERE stream_id = $1`, [streamId]);
    return rows.length === 0 ? 0 : Number(rows[0].version);
  }

  /** Reads events of the given types in global order after a position (for projections and rebuilds). */
  async readAll(db: Queryable, after: number, limit: number, types?: string[]): Promise<StoredEvent[]> {
    const rows: EventRow[] = types
      ? await db.query(
          `SELECT * FROM events WHERE global_position > $1 AND type = ANY($2)
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY global_position LIMIT $3`,
          [after, types, limit],
        )
      : await db.query(
          `SELECT * FROM events WHERE global_position > $1
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY global_position LIMIT $2`,
          [after, limit],
        );
    return rows.map((r) => this.toStored(r, true));
  }

  /**
   * Appends events to a stream if its version is still `expected`. Must run inside a transaction:
   * the stream row is locked, so concurrent appends to one stream serialise, and a stale expected
   * version raises ConcurrencyError instead of overwriting.
   *
   * `companions` (e.g. the events' outbox rows) are written in the same statement as the events.
   * If the append fails with ConcurrencyError after its statement ran, the companions were written
   * too: like the events, the caller's transaction (or savepoint) must not commit them.
   */
  async append(
    db: Queryable,
    streamId: string,
    expected: ExpectedVersion,
    events: ReadonlyArray<NewEvent>,
    metadata: EventMetadata,
    streamType = streamId.split('-')[0],
    companions?: (drafts: ReadonlyArray<EventDraft>) => ReadonlyArray<Companion>,
  ): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    // A new stream (expected 0) is created and written in ONE statement; an existing one is locked,
    // then written and advanced in a second. Round trips are the cost that matters here (ADR 0005).
    let current: Array<{ version: string; last_hash: string }> = [];
    if (expected !== 0) {
      current = await db.query(`SELECT version, last_hash FROM streams WHERE stream_id = $1 FOR UPDATE`, [streamId]);
      if (current.length === 0 && expected !== 'any') throw new ConcurrencyError(streamId, expected, 0);
    }
    if (current.length === 0) return (await this.appendNewStreams(db, [{ streamId, events, metadata, streamType }], companions))[0];
    const version = Number(current[0].version);
    if (expected !== 'any' && expected !== version) throw new ConcurrencyError(streamId, expected, version);
    const { rows: eventRows, stored } = this.chain(streamId, version, current[0].last_hash, events, metadata);
    const last = stored[stored.length - 1];
    const values = insertRows('events', eventRows, EVENT_COLUMNS, 4);
    const extra = companionCtes(companions?.(stored) ?? [], 4 + values.params.length);
    const rows: Array<{ global_position: string; recorded_at: Date }> = await db.query(
      `WITH s AS (UPDATE streams SET version = $2, last_hash = $3, updated_at = now() WHERE stream_id = $1)${extra.text}
       ${values.sql} RETURNING global_position, recorded_at${extra.outputs}`,
      [streamId, last.streamPosition, last.hash, ...values.params, ...extra.params],
    );
    return stored.map((p, i) => ({ ...p, globalPosition: Number(rows[i].global_position), recordedAt: rows[i].recorded_at }));
  }

  /**
   * Creates many new streams with their first events in ONE statement (a batch of blows shares it:
   * ADR 0007). If any of them exists already, nothing is written and ConcurrencyError is raised.
   * Returns the stored events stream by stream, in the order given. `companions` as in `append`
   * (given every stream's drafts, in order).
   *
   * With a `gate` — a statement whose rows have a column `stream_id`, run as the statement's first
   * CTE — only the streams it returns are written, the others silently not (their entry is []).
   * Companions then filter their rows with {@link inWrittenStreams}. The whole is still one
   * statement: atomic on its own, with no transaction around it (ADR 0010).
   */
  async appendNewStreams(
    db: Queryable,
    streams: ReadonlyArray<{ streamId: string; events: ReadonlyArray<NewEvent>; metadata: EventMetadata; streamType?: string }>,
    companions?: (drafts: ReadonlyArray<EventDraft>) => ReadonlyArray<Companion>,
    gate?: Companion,
  ): Promise<StoredEvent[][]> {
    if (streams.length === 0) return [];
    const streamRows: unknown[][] = [];
    const eventRows: unknown[][] = [];
    const chains = streams.map((s) => {
      const c = this.chain(s.streamId, 0, GENESIS_HASH, s.events, s.metadata);
      const last = c.stored[c.stored.length - 1];
      streamRows.push([s.streamId, s.streamType ?? s.streamId.split('-')[0], last.streamPosition, last.hash]);
      eventRows.push(...c.rows);
      return c.stored;
    });
    const g = gate?.(1);
    const gateParams = g?.params ?? [];
    const st = insertRows('streams', streamRows, STREAM_COLUMNS, gateParams.length + 1, { where: g ? 'v.stream_id IN (SELECT stream_id FROM g)' : undefined });
    const ev = insertRows('events', eventRows, EVENT_COLUMNS, gateParams.length + st.params.length + 1, { where: inWrittenStreams('v.stream_id') });
    const extra = companionCtes(companions?.(chains.flat()) ?? [], 1 + gateParams.length + st.params.length + ev.params.length);
    const rows: Array<{ event_id: string; global_position: string; recorded_at: Date }> = await db.query(
      `WITH ${g ? `g AS (${g.sql}), ` : ''}s AS (
         ${st.sql} ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id
       )${extra.text}
       ${ev.sql}
       RETURNING event_id, global_position, recorded_at${extra.outputs}`,
      [...gateParams, ...st.params, ...ev.params, ...extra.params],
    );
    const written = new Map(rows.map((r) => [r.event_id, r]));
    const stored = (c: EventDraft[]): StoredEvent[] =>
      c.map((p) => {
        const r = written.get(p.eventId)!;
        return { ...p, globalPosition: Number(r.global_position), recordedAt: r.recorded_at };
      });
    // the gate decided: a stream is written whole or not at all
    if (g) return chains.map((c) => (written.has(c[0].eventId) ? stored(c) : []));
    if (written.size < eventRows.length) {
      // the statement wrote what it could; the caller's transaction must not commit it
      const taken = chains.find((c) => !written.has(c[0].eventId))![0].streamId;
      const [row]: Array<{ version: string }> = await db.query(`SELECT version FROM streams WHERE stream_id = $1`, [taken]);
      throw new ConcurrencyError(taken, 0, row ? Number(row.version) : -1);
    }
    return chains.map(stored);
  }

  /** The events' rows (in EVENT_COLUMNS order) and stored form, hash-chained after `version`/`prevHash`. */
  private chain(streamId: string, version: number, prevHash: string, events: ReadonlyArray<NewEvent>, metadata: EventMetadata) {
    const rows: unknown[][] = [];
    const stored: EventDraft[] = [];
    for (const e of events) {
      version += 1;
      const eventId = e.eventId ?? randomUUID();
      const occurredAt = e.occurredAt ?? new Date();
      const schemaVersion = e.schemaVersion ?? this.options.schemaVersions?.[e.type] ?? 1;
      const hash = chainHash(prevHash, { eventId, type: e.type, position: version, occurredAt: occurredAt.toISOString(), actor: metadata.actor, data: e.data });
      rows.push([eventId, streamId, version, e.type, schemaVersion, JSON.stringify(e.data), JSON.stringify(metadata), occurredAt, prevHash, hash]);
      stored.push({ eventId, type: e.type, schemaVersion, streamId, streamPosition: version, data: e.data, metadata, occurredAt, prevHash, hash });
      prevHash = hash;
    }
    return { rows, stored };
  }

  /**
   * One stream as stored (before upcasting), in the form its hash chain covers, with its head (the
   * `streams` row: how many events it holds and the last hash), read in one statement.
   */
  async readChain(db: Queryable, streamId: string): Promise<{ events: Array<ChainedEventBody & { hash: string; prevHash: string }>; head?: ChainHead }> {
    const rows: Array<Partial<EventRow> & { head_version: string; head_hash: string }> = await db.query(
      `SELECT e.*, s.version AS head_version, s.last_hash AS head_hash
         FROM streams s LEFT JOIN events e ON e.stream_id = s.stream_id
        WHERE s.stream_id = $1 ORDER BY e.stream_position`,
      [streamId],
    );
    return {
      events: rows.filter((r) => r.event_id !== null && r.event_id !== undefined).map((r) => chainedBody(r as EventRow)),
      head: rows.length === 0 ? undefined : { length: Number(rows[0].head_version), lastHash: rows[0].head_hash },
    };
  }

  /** Verifies the hash chain of one stream as stored (before upcasting), up to its recorded head. */
  async verifyStream(db: Queryable, streamId: string): Promise<ChainVerdict> {
    const { events, head } = await this.readChain(db, streamId);
    return verifyChain(events, head);
  }

  private toStored(r: EventRow, upcast: boolean): StoredEvent {
    let data = r.data;
    let schemaVersion = r.schema_version;
    const chain = upcast ? this.options.upcasters?.[r.type] : undefined;
    while (chain && chain[schemaVersion]) {
      data = chain[schemaVersion](data);
      schemaVersion += 1;
    }
    return {
      eventId: r.event_id,
      type: r.type,
      schemaVersion,
      streamId: r.stream_id,
      streamPosition: Number(r.stream_position),
      globalPosition: Number(r.global_position),
      data,
      metadata: r.metadata,
      occurredAt: new Date(r.occurred_at),
      recordedAt: new Date(r.recorded_at),
      prevHash: r.prev_hash,
      hash: r.hash,
    };
  }
}

/** A stored row in the form its hash chain covers (contract §2). */
export function chainedBody(r: Pick<EventRow, 'event_id' | 'type' | 'stream_position' | 'occurred_at' | 'metadata' | 'data' | 'hash' | 'prev_hash'>): ChainedEventBody & { hash: string; prevHash: string } {
  return {
    eventId: r.event_id,
    type: r.type,
    position: Number(r.stream_position),
    occurredAt: new Date(r.occurred_at).toISOString(),
    actor: r.metadata.actor,
    data: r.data,
    hash: r.hash,
    prevHash: r.prev_hash,
  };
}

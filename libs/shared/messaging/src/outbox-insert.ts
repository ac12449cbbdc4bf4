import { inWrittenStreams, type EventDraft } from '@chuishao/event-store';
import { columnNames, insertRows, runTogether, type ColumnSpec, type Companion, type Queryable } from '@chuishao/postgres';
import { announceOutboxRows } from './outbox-commits';
import { whistleIdOfStream } from '@chuishao/contracts';
import { toEnvelope } from './envelope';

// Writing to the outbox, in the caller's transaction (the relay, outbox-relay.ts, publishes what
// commits): an append's companion that inserts its events' messages, or messages of its own.

export interface OutboxMessage {
  topic: string;
  key: string | null;
  value: string;
  headers?: Record<string, string>;
}

const OUTBOX_COLUMNS: ColumnSpec[] = [
  ['topic', 'text'],
  ['key', 'text'],
  ['value', 'text'],
  ['headers', 'jsonb'],
];

/**
 * The INSERT of these messages into the outbox, as an append's companion (or with
 * {@link runTogether}). With `streamOf` (a companion of a gated `appendNewStreams`): only the
 * messages whose stream the statement wrote. The statement also returns the rows' ids, so the
 * connection can hand the committed rows to this process's relay (ADR 0019).
 */
function outboxInsert(messages: ReadonlyArray<OutboxMessage>, streamOf?: (m: OutboxMessage, i: number) => string): Companion {
  return (first) => {
    // gated: each row carries its stream, which only filters (it is not an outbox column)
    const into = columnNames(OUTBOX_COLUMNS);
    const insert = insertRows(
      'outbox',
      messages.map((m, i) => [m.topic, m.key, m.value, JSON.stringify(m.headers ?? {}), ...(streamOf ? [streamOf(m, i)] : [])]),
      streamOf ? [...OUTBOX_COLUMNS, ['stream_id', 'text']] : OUTBOX_COLUMNS,
      first,
      // in the messages' order, so their ids are too (ADR 0019)
      streamOf ? { into, select: 'v.topic, v.key, v.value, v.headers', where: inWrittenStreams('v.stream_id'), ordered: true } : { into, select: 'v.topic, v.key, v.value, v.headers', ordered: true },
    );
    const { ref, output } = announceOutboxRows(
      messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value, headers: m.headers ?? {} })),
      first + insert.params.length,
    );
    return { sql: `${insert.sql} RETURNING id`, params: [...insert.params, ref], output };
  };
}

/** Writes messages to the outbox in the caller's transaction: they are published if and only if it commits. */
export async function enqueue(db: Queryable, messages: ReadonlyArray<OutboxMessage>): Promise<void> {
  if (messages.length === 0) return;
  await runTogether(db, [outboxInsert(messages)]);
}

export interface PublishOptions {
  topic: string;
  source: string;
  whistleId: string | null;
  key?: string;
}

/**
 * For `EventStore.append`: the appended events' envelopes (and any `extra` messages) go into the
 * outbox in the append's own statement — one round trip for events and outbox (ADR 0009).
 */
export function publishing(opts: PublishOptions, extra: ReadonlyArray<OutboxMessage> = []): (drafts: ReadonlyArray<EventDraft>) => Companion[] {
  return (drafts) => {
    const messages = [...eventMessages(drafts, opts), ...extra];
    return messages.length === 0 ? [] : [outboxInsert(messages)];
  };
}

/**
 * For `EventStore.appendNewStreams` of many whistles' streams (named by `whistleStreamId`): each
 * event's envelope on `topic`, keyed by its own whistle, and `extra` messages that belong to a
 * stream — the outbox rows of them all in one companion; `gated` (a gated append): only those of the
 * streams the statement wrote.
 */
export function publishingEach(
  opts: { topic: string; source: string; gated: boolean },
  extra: ReadonlyArray<{ streamId: string; message: OutboxMessage }> = [],
): (drafts: ReadonlyArray<EventDraft>) => Companion {
  return (drafts) => {
    const all = [
      ...drafts.map((e) => ({ streamId: e.streamId, message: eventMessages([e], { topic: opts.topic, source: opts.source, whistleId: whistleIdOfStream(e.streamId) })[0] })),
      ...extra,
    ];
    return outboxInsert(
      all.map((x) => x.message),
      opts.gated ? (_, i) => all[i].streamId : undefined,
    );
  };
}

/** The outbox messages that publish stored events as envelopes on one topic, keyed by whistle. */
function eventMessages(
  events: ReadonlyArray<EventDraft>,
  opts: PublishOptions,
): OutboxMessage[] {
  return events.map((e) => ({
    topic: opts.topic,
    key: opts.key ?? opts.whistleId,
    value: JSON.stringify(toEnvelope(e, opts.source, opts.whistleId)),
    headers: { 'event-type': e.type, 'event-id': e.eventId, 'schema-version': String(e.schemaVersion) },
  }));
}

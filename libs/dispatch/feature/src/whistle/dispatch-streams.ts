import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CommandHandler, EventStore, type EventMetadata } from '@chuishao/event-store';
import { runTogether, type Companion } from '@chuishao/postgres';
import { enqueue, Messaging, publishing, publishingEach, type OutboxMessage } from '@chuishao/messaging';
import { TOPICS, whistleStreamId, whistleStreamIdSql } from '@chuishao/contracts';
import type { DispatchEvent } from '@chuishao/dispatch-contracts';
import { evolve, fold, INITIAL_DISPATCH_STATE, isPublished, withLegacyClosing, type DispatchState, type DispatchStreamEvent } from '@chuishao/dispatch-domain';
import { toBrief, WhistleBriefs, type BriefRow, type WhistleBrief } from './whistle-briefs';
import { departmentMessages, type MessageContext } from './department-messages';
import { assignmentsUpsert, deadlinesInsert, project, summonedAssignments } from './assignments.projection';

export interface LoadedWhistle {
  whistleId: string;
  streamId: string;
  version: number;
  state: DispatchState;
  brief: WhistleBrief | undefined;
}

/** The first summons of a whistle whose dispatch stream does not exist yet (see DispatchStreams.summonNew). */
export interface NewSummons {
  loaded: LoadedWhistle;
  event: DispatchEvent & { type: 'DepartmentsSummoned' };
  metadata: EventMetadata;
}

/**
 * A batch of whistles ($1, ids) with whether each has a stream and its brief. Each looked up by
 * its keys (LATERAL … LIMIT 1: a nested loop of index lookups, which no plan can turn into a scan
 * of every stream hashed — as the planner did with EXISTS, guessing 100 ids for the unnest: 1.2
 * million stream rows read in one 200/s benchmark run).
 */
export const NEW_WHISTLES_SQL = `SELECT i.id, s.found IS NOT NULL AS has_stream, b.*
         FROM unnest($1::text[]) WITH ORDINALITY AS i(id, ord)
         LEFT JOIN LATERAL (SELECT true AS found FROM streams WHERE stream_id = ${whistleStreamIdSql('i.id')} LIMIT 1) s ON true
         LEFT JOIN LATERAL (SELECT * FROM whistle_briefs WHERE whistle_id = i.id::uuid LIMIT 1) b ON true
        ORDER BY i.ord`;

/** Dispatch's decider over its stream, for {@link DispatchStreams.handle}. */
const dispatchHandler = CommandHandler<DispatchState, DispatchStreamEvent>({ initialState: () => INITIAL_DISPATCH_STATE, evolve });

/**
 * Dispatch's streams, one a whistle, and the writes that go with their events: the outbox
 * (envelopes on the whistle topic — not those of the internal WhistleClosed — and the messages
 * on the departments' topics) and the assignments projection (./assignments.projection.ts).
 * `load` locks the stream row first, so the reply consumer, the HTTP handlers, the whistle-event
 * reactions and the deadline scheduler take turns on one whistle instead of failing each other's
 * expected version; `commit` appends with the expected version — one transaction.
 */
@Injectable()
export class DispatchStreams {
  constructor(
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly briefs: WhistleBriefs,
  ) {}

  /**
   * A command on one whistle's stream, read → decide → append (the event store's CommandHandler):
   * the stream locked and read, its state folded (with a legacy stream's closing from the brief),
   * `decide` called, the events appended with the version read and the outbox in the same
   * statement, then the projection — all in the caller's transaction.
   */
  async handle(
    em: EntityManager,
    whistleId: string,
    decide: (state: DispatchState) => DispatchStreamEvent[] | Promise<DispatchStreamEvent[]>,
    metadata: EventMetadata,
  ): Promise<{ state: DispatchState; events: DispatchStreamEvent[] }> {
    const brief = await this.briefs.get(em, whistleId);
    let decided: DispatchStreamEvent[] = [];
    let after: DispatchState = INITIAL_DISPATCH_STATE;
    const { newState } = await dispatchHandler(
      this.store,
      em,
      whistleStreamId(whistleId),
      async (state) => {
        const current = withLegacyClosing(state, brief?.phase);
        decided = await decide(current);
        after = fold(decided, current);
        return decided;
      },
      { lock: true, metadata, companions: (drafts) => this.outbox(whistleId, decided, after, brief)(drafts) },
    );
    if (decided.length === 0) return { state: withLegacyClosing(newState, brief?.phase), events: [] };
    await project(em, whistleId, after, decided);
    return { state: after, events: decided };
  }

  async load(em: EntityManager, whistleId: string): Promise<LoadedWhistle> {
    const streamId = whistleStreamId(whistleId);
    // One round trip: the stream row locked if it exists (waiting for a holder), and the brief.
    // No stream yet (a summons, the hot path): nothing to lock or read, and the append that
    // creates the stream fails with ConcurrencyError if another one did meanwhile — as before.
    // A stream: the lock is held now, and its events and brief are read after it, so a writer that
    // held the lock is seen whole (this statement's snapshot predates the wait).
    const [probe]: Array<BriefRow & { locked: boolean | null }> = await em.query(
      `SELECT s.locked, b.* FROM (SELECT 1) x
         LEFT JOIN LATERAL (SELECT true AS locked FROM streams WHERE stream_id = $1 FOR UPDATE) s ON true
         LEFT JOIN whistle_briefs b ON b.whistle_id = $2`,
      [streamId, whistleId],
    );
    const { version, events } = probe.locked ? await this.store.readStream(em, streamId) : { version: 0, events: [] };
    const brief = probe.locked ? await this.briefs.get(em, whistleId) : probe.whistle_id ? toBrief(probe) : undefined;
    const state = withLegacyClosing(fold(events.map((e) => ({ type: e.type, data: e.data }) as DispatchStreamEvent)), brief?.phase);
    return { whistleId, streamId, version, state, brief };
  }

  /**
   * The whistles of a batch of summonses, in one statement: those without a stream yet come back
   * loaded (version 0, their brief); those that have one (summoned already, or written meanwhile)
   * as 'existing', for {@link load} one by one. Nothing is locked: the append that creates the
   * streams fails with ConcurrencyError if another writer created one meanwhile (or, gated, writes
   * nothing for it). `along`: a write in the same statement (the batch's briefs) and the briefs it
   * writes, which the statement cannot see.
   */
  async loadNew(em: EntityManager, whistleIds: readonly string[], along?: { write: Companion; briefs: ReadonlyMap<string, WhistleBrief> }): Promise<Array<LoadedWhistle | 'existing'>> {
    const before = along?.write(2);
    const rows: Array<Partial<BriefRow> & { id: string; has_stream: boolean }> = await em.query(
      `${before ? `WITH w AS (${before.sql}) ` : ''}${NEW_WHISTLES_SQL}`,
      [whistleIds, ...(before?.params ?? [])],
    );
    return rows.map((r) => {
      if (r.has_stream) return 'existing';
      // a brief written by `along` in this statement is not visible to it: the one given is used
      return newWhistle(r.id, r.whistle_id ? toBrief(r as BriefRow) : along?.briefs.get(r.id));
    });
  }

  /**
   * Summonses of whistles that have no stream yet (from {@link loadNew}), all in ONE statement:
   * the streams and their DepartmentsSummoned, the outbox (envelopes and the departments'
   * SUMMONED messages), the deadlines and the assignments. With a `gate` (the batch's inbox rows),
   * only those of whistles whose stream the gate lets through — and the gate's rows even when
   * there is no summons. `also`: more companions to run in the same statement (ungated). A stream
   * that exists already makes it write nothing and throw ConcurrencyError.
   */
  async summonNew(
    em: EntityManager,
    summonses: ReadonlyArray<NewSummons>,
    gate?: Companion,
    also: readonly Companion[] = [],
  ): Promise<void> {
    if (summonses.length === 0) {
      if (gate || also.length > 0) await runTogether(em, [gate, ...also]);
      return;
    }
    const now = new Date();
    const whistleTopic = this.messaging.topic(TOPICS.whistleEvents);
    const written = summonses.map(({ loaded, event }) => {
      const after = fold([event], loaded.state);
      const messages = loaded.brief ? departmentMessages([event], after, loaded.brief, (n) => this.messaging.topic(n), now.toISOString()) : [];
      return { loaded, after, messages, summoned: summonedAssignments(after, [event]) };
    });
    await this.store.appendNewStreams(
      em,
      summonses.map(({ loaded, event, metadata }) => ({ streamId: loaded.streamId, events: [{ type: event.type, data: event.data, occurredAt: now }], metadata })),
      (drafts) => {
        const outbox = publishingEach(
          { topic: whistleTopic, source: 'dispatch', gated: gate !== undefined },
          written.flatMap((w) => w.messages.map((message) => ({ streamId: w.loaded.streamId, message }))),
        );
        return [
          outbox(drafts),
          deadlinesInsert(written.map((w) => ({ whistleId: w.loaded.whistleId, assignments: w.summoned })), gate !== undefined),
          assignmentsUpsert(written.map((w) => ({ whistleId: w.loaded.whistleId, state: w.after, assignments: w.summoned })), gate !== undefined),
          ...also,
        ].filter((c): c is Companion => c !== undefined);
      },
      gate,
    );
    for (const w of written) {
      w.loaded.version = 1;
      w.loaded.state = w.after;
    }
  }

  async commit(
    em: EntityManager,
    loaded: LoadedWhistle,
    events: ReadonlyArray<DispatchStreamEvent>,
    metadata: EventMetadata,
    extra: OutboxMessage[] = [],
    context: MessageContext = {},
  ): Promise<DispatchState> {
    if (events.length === 0) {
      await enqueue(em, extra);
      return loaded.state;
    }
    const now = new Date();
    const after = fold(events, loaded.state);
    const outbox = this.outbox(loaded.whistleId, events, after, loaded.brief, extra, context, now);
    // A summons (the hot path) writes only new rows in tables of their own: its deadlines and
    // assignments ride in the append's statement too. Anything else updates rows, in order.
    const summonsOnly = events.every((e) => e.type === 'DepartmentsSummoned');
    const summoned = summonsOnly ? summonedAssignments(after, events) : [];
    await this.store.append(
      em,
      loaded.streamId,
      loaded.version,
      events.map((e) => ({ type: e.type, data: e.data, occurredAt: now })),
      metadata,
      undefined,
      summonsOnly
        ? (drafts) =>
            [
              ...outbox(drafts),
              ...[deadlinesInsert([{ whistleId: loaded.whistleId, assignments: summoned }]), assignmentsUpsert([{ whistleId: loaded.whistleId, state: after, assignments: summoned }])].filter(
                (c): c is Companion => c !== undefined,
              ),
            ]
        : outbox,
    );
    if (!summonsOnly) await project(em, loaded.whistleId, after, events);
    loaded.version += events.length;
    loaded.state = after;
    return after;
  }

  /** The outbox rows of these events: their envelopes (the published ones) and the departments' messages. */
  private outbox(
    whistleId: string,
    events: ReadonlyArray<DispatchStreamEvent>,
    after: DispatchState,
    brief: WhistleBrief | undefined,
    extra: OutboxMessage[] = [],
    context: MessageContext = {},
    now = new Date(),
  ): (drafts: Parameters<ReturnType<typeof publishing>>[0]) => Companion[] {
    const messages: OutboxMessage[] = brief ? departmentMessages(events, after, brief, (n) => this.messaging.topic(n), now.toISOString(), context) : [];
    const outbox = publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'dispatch', whistleId }, [...messages, ...extra]);
    return (drafts) => outbox(drafts.filter(isPublished));
  }
}

/** A whistle with no dispatch stream yet, as its first summons sees it (a legacy brief may say it closed). */
export function newWhistle(whistleId: string, brief: WhistleBrief | undefined): LoadedWhistle {
  return { whistleId, streamId: whistleStreamId(whistleId), version: 0, state: withLegacyClosing(INITIAL_DISPATCH_STATE, brief?.phase), brief };
}

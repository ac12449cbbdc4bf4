import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore, inWrittenStreams, type EventMetadata } from '@chuishao/event-store';
import { columnNames, insertRows, runTogether, type ColumnSpec, type Companion } from '@chuishao/postgres';
import { enqueue, Messaging, publishing, publishingEach, type OutboxMessage } from '@chuishao/messaging';
import { TOPICS, whistleStreamId, whistleStreamIdSql } from '@chuishao/contracts';
import type { DeadlineKind, DispatchEvent } from '@chuishao/dispatch-contracts';
import { evolve, fold, INITIAL_DISPATCH_STATE, judgedDueOf, type AssignmentState, type DispatchState } from '@chuishao/dispatch-domain';
import { toBrief, WhistleBriefs, type BriefRow, type WhistleBrief } from './whistle-briefs';
import { departmentMessages, type MessageContext } from './department-messages';

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
 * Loads and commits dispatch's stream of one whistle. `load` locks the stream row first, so the
 * reply consumer, the HTTP handlers, the whistle-event reactions and the deadline scheduler take
 * turns on one whistle instead of failing each other's expected version. `commit` appends with
 * the expected version, writes the outbox (envelopes on the whistle topic, messages on the
 * departments' topics) and updates the assignments and deadlines tables — one transaction.
 */
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

@Injectable()
export class DispatchStreams {
  constructor(
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly briefs: WhistleBriefs,
  ) {}

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
    return { whistleId, streamId, version, state: withPhase(fold(events.map((e) => ({ type: e.type, data: e.data }) as DispatchEvent), INITIAL_DISPATCH_STATE), brief), brief };
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
    events: ReadonlyArray<DispatchEvent>,
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
    const messages: OutboxMessage[] = loaded.brief ? departmentMessages(events, after, loaded.brief, (n) => this.messaging.topic(n), now.toISOString(), context) : [];
    const outbox = publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'dispatch', whistleId: loaded.whistleId }, [...messages, ...extra]);
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
}

/** Each kind with the time its PENDING row is judged at (an extension approved after a deadline fell due leaves that one standing). */
const KINDS: Array<[DeadlineKind, (a: AssignmentState) => string]> = [
  ['REPORT', (a) => judgedDueOf(a, 'REPORT')],
  ['ARRIVE', (a) => judgedDueOf(a, 'ARRIVE')],
  ['COMPLETE', (a) => judgedDueOf(a, 'COMPLETE')],
];

/** The assignments these summonses created, as they stand after them. */
function summonedAssignments(state: DispatchState, events: ReadonlyArray<DispatchEvent>): AssignmentState[] {
  const ids = new Set(events.flatMap((e) => (e.type === 'DepartmentsSummoned' ? e.data.assignments.map((s) => s.assignmentId) : [])));
  return state.assignments.filter((a) => ids.has(a.id));
}

/** Whistles' assignments (and, for their listing rows, each whistle's state after the events). */
interface WhistleAssignments {
  whistleId: string;
  state?: DispatchState;
  assignments: ReadonlyArray<AssignmentState>;
}

/** A whistle with no dispatch stream yet, as its first summons sees it. */
export function newWhistle(whistleId: string, brief: WhistleBrief | undefined): LoadedWhistle {
  return { whistleId, streamId: whistleStreamId(whistleId), version: 0, state: withPhase(INITIAL_DISPATCH_STATE, brief), brief };
}

/** The state of a whistle's dispatch once the phase its brief knows is applied (withdrawn, resolved). */
function withPhase(state: DispatchState, brief: WhistleBrief | undefined): DispatchState {
  if (brief?.phase === 'WITHDRAWN') return evolve(state, { type: 'WhistleWithdrawn' });
  if (brief?.phase === 'RESOLVED') return evolve(state, { type: 'WhistleConfirmed' });
  return state;
}

const DEADLINE_COLUMNS: ColumnSpec[] = [
  ['assignment_id', 'uuid'],
  ['whistle_id', 'uuid'],
  ['kind', 'text'],
  ['due_at', 'timestamptz'],
];

/** Every deadline of these assignments in one statement (a summons has ~4 assignments × 3 kinds). */
function deadlinesInsert(whistles: ReadonlyArray<WhistleAssignments>, gated = false): Companion | undefined {
  const rows = whistles.flatMap((w) => w.assignments.flatMap((a) => KINDS.map(([kind, due]) => [a.id, w.whistleId, kind, due(a)])));
  if (rows.length === 0) return undefined;
  return (first) => {
    const values = insertRows('deadlines', rows, DEADLINE_COLUMNS, first, { where: inWrittenStreams(WHISTLE_STREAM, gated) });
    return {
      sql: `${values.sql}
            ON CONFLICT (assignment_id, kind) WHERE state = 'PENDING' DO NOTHING`,
      params: values.params,
    };
  };
}

/** The tables beside the stream: assignments (for listing) and durable deadlines (for the scheduler). */
async function project(em: EntityManager, whistleId: string, state: DispatchState, events: ReadonlyArray<DispatchEvent>): Promise<void> {
  const touched = new Set<string>();
  const insertDeadlines = (assignments: AssignmentState[]) => runTogether(em, [deadlinesInsert([{ whistleId, assignments }])]);
  const settle = (ids: string[], kinds: DeadlineKind[], state2: 'MET' | 'SKIPPED', before?: string) =>
    em.query(
      `UPDATE deadlines SET state = $3, decided_at = now()
        WHERE assignment_id = ANY($1::uuid[]) AND kind = ANY($2) AND state = 'PENDING' ${before ? 'AND due_at >= $4' : ''}`,
      before ? [ids, kinds, state2, before] : [ids, kinds, state2],
    );
  /** Paused deadlines (a dispute waiting) of these assignments are over: SKIPPED. */
  const dropPaused = (ids: string[]) =>
    em.query(`UPDATE deadlines SET state = 'SKIPPED', decided_at = now() WHERE assignment_id = ANY($1::uuid[]) AND state = 'PAUSED'`, [ids]);
  const byId = (id: string) => state.assignments.find((a) => a.id === id);

  for (const e of events) {
    switch (e.type) {
      case 'DepartmentsSummoned':
        await insertDeadlines(e.data.assignments.map((s) => byId(s.assignmentId)).filter((a): a is AssignmentState => a !== undefined));
        e.data.assignments.forEach((s) => touched.add(s.assignmentId));
        break;
      case 'DepartmentReported':
        await settle([e.data.assignmentId], ['REPORT'], 'MET', e.data.receivedAt);
        touched.add(e.data.assignmentId);
        break;
      case 'DepartmentArrived':
        await settle([e.data.assignmentId], ['ARRIVE'], 'MET', e.data.receivedAt);
        touched.add(e.data.assignmentId);
        break;
      case 'DepartmentCompleted':
        await settle([e.data.assignmentId], ['ARRIVE', 'COMPLETE'], 'MET', e.data.receivedAt);
        touched.add(e.data.assignmentId);
        break;
      case 'AssignmentDisputed':
        // The clock stops: the pending deadlines not yet due at the dispute's receipt wait, PAUSED,
        // where the scheduler does not look (one due before it stays PENDING: that miss stands).
        await em.query(
          `UPDATE deadlines SET state = 'PAUSED' WHERE assignment_id = $1 AND state = 'PENDING' AND due_at >= $2`,
          [e.data.assignmentId, e.data.receivedAt],
        );
        touched.add(e.data.assignmentId);
        break;
      case 'HandlingProgressed':
      case 'DeadlineMissed':
      case 'WhistleEscalated':
        touched.add(e.data.assignmentId);
        break;
      case 'DisputeResolved': {
        touched.add(e.data.assignmentId);
        if (e.data.decision === 'UPHOLD') {
          await settle([e.data.assignmentId], ['REPORT', 'ARRIVE', 'COMPLETE'], 'SKIPPED');
          await dropPaused([e.data.assignmentId]);
        } else {
          // REJECT: the clock resumes with the time that was left — each paused deadline back to
          // PENDING at its moved time (the state's deadlines, moved by the decider).
          const a = byId(e.data.assignmentId);
          if (a) {
            for (const [kind, due] of KINDS) {
              await em.query(
                `WITH paused AS (
                   UPDATE deadlines SET state = 'SKIPPED', decided_at = now() WHERE assignment_id = $1 AND kind = $2 AND state = 'PAUSED' RETURNING whistle_id
                 )
                 INSERT INTO deadlines (assignment_id, whistle_id, kind, due_at)
                 SELECT $1, whistle_id, $2, $3 FROM paused LIMIT 1
                 ON CONFLICT (assignment_id, kind) WHERE state = 'PENDING' DO UPDATE SET due_at = EXCLUDED.due_at`,
                [a.id, kind, due(a)],
              );
              await em.query(`UPDATE deadlines SET due_at = $3 WHERE assignment_id = $1 AND kind = $2 AND state = 'PENDING' AND due_at < $3`, [a.id, kind, due(a)]);
            }
          }
        }
        const r = e.data.reassignedTo ? byId(e.data.reassignedTo.assignmentId) : undefined;
        if (r) {
          await insertDeadlines([r]);
          touched.add(r.id);
        }
        break;
      }
      case 'AssignmentsCancelled':
        await settle(e.data.assignmentIds, ['REPORT', 'ARRIVE', 'COMPLETE'], 'SKIPPED');
        e.data.assignmentIds.forEach((id) => touched.add(id));
        break;
      case 'AssignmentsClosed':
        // Deadlines due at or after the closing never fire; earlier ones stay PENDING and are
        // judged as usual (a miss before the closing stands). A paused one was not due: dropped.
        await settle(e.data.assignmentIds, ['REPORT', 'ARRIVE', 'COMPLETE'], 'SKIPPED', e.data.closedAt);
        await dropPaused(e.data.assignmentIds);
        e.data.assignmentIds.forEach((id) => touched.add(id));
        break;
      case 'DeadlinesChanged':
        for (const c of e.data.assignments) {
          touched.add(c.assignmentId);
          const a = byId(c.assignmentId);
          if (!a) continue;
          if (e.data.reason === 'WHISTLE_REOPENED') {
            // The new complete deadline: renew the pending row, or open a new one after the first was judged.
            await em.query(
              `INSERT INTO deadlines (assignment_id, whistle_id, kind, due_at) VALUES ($1, $2, 'COMPLETE', $3)
               ON CONFLICT (assignment_id, kind) WHERE state = 'PENDING' DO UPDATE SET due_at = EXCLUDED.due_at`,
              [a.id, whistleId, c.deadlines.completeBy],
            );
          } else {
            for (const [kind, due] of KINDS) {
              await em.query(`UPDATE deadlines SET due_at = $3 WHERE assignment_id = $1 AND kind = $2 AND state = 'PENDING'`, [a.id, kind, due(a)]);
            }
          }
        }
        break;
      case 'ExtensionRequested': {
        const d = e.data;
        await em.query(
          `INSERT INTO extension_requests (request_id, whistle_id, assignment_id, department_id, reply_id, kind, until, reason, due_at, requested_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (request_id) DO NOTHING`,
          [d.requestId, d.whistleId, d.assignmentId, d.departmentId, d.replyId, d.kind, d.until, d.reason, d.dueAt, d.requestedAt],
        );
        break;
      }
      case 'ExtensionDecided': {
        const d = e.data;
        touched.add(d.assignmentId);
        await em.query(
          `UPDATE extension_requests SET status = $2, decided_at = $3, decision_reason = $4, standing = $5 WHERE request_id = $1`,
          [d.requestId, d.decision === 'APPROVE' ? 'APPROVED' : 'DENIED', d.decidedAt, d.reason, d.standing === true],
        );
        // Approved in time: the pending deadline row moves to the new time (judged then). Approved
        // after it fell due: the row stays at its time and is judged on the replies known (the
        // miss stands); a deadline already judged stays judged.
        const a = byId(d.assignmentId);
        if (d.decision === 'APPROVE' && !d.standing && a) {
          await em.query(`UPDATE deadlines SET due_at = $3 WHERE assignment_id = $1 AND kind = $2 AND state = 'PENDING'`, [a.id, d.kind, judgedDueOf(a, d.kind)]);
        }
        break;
      }
      default: {
        const exhaustive: never = e;
        void exhaustive;
      }
    }
  }
  await runTogether(em, [assignmentsUpsert([{ whistleId, state, assignments: [...touched].map(byId).filter((a): a is AssignmentState => a !== undefined) }])]);
  if (events.some((e) => e.type === 'DeadlinesChanged' && e.data.reason === 'TRIAGE_OVERRIDDEN')) {
    await em.query(`UPDATE assignments SET level = $2 WHERE whistle_id = $1`, [whistleId, state.level]);
  }
}

const ASSIGNMENT_COLUMNS: ColumnSpec[] = [
  ['id', 'uuid'],
  ['whistle_id', 'uuid'],
  ['department_id', 'uuid'],
  ['role', 'text'],
  ['status', 'text'],
  ['level', 'text'],
  ['summoned_at', 'timestamptz'],
  ['report_by', 'timestamptz'],
  ['arrive_by', 'timestamptz'],
  ['complete_by', 'timestamptz'],
  ['reported_at', 'timestamptz'],
  ['arrived_at', 'timestamptz'],
  ['completed_at', 'timestamptz'],
  ['result', 'text'],
  ['dispute_note', 'text'],
  ['overdue', 'jsonb'],
];

/** A row's whistle stream, for inWrittenStreams. */
const WHISTLE_STREAM = whistleStreamIdSql('v.whistle_id');

/** The listing rows of these assignments, written in one statement. */
function assignmentsUpsert(whistles: ReadonlyArray<WhistleAssignments & { state: DispatchState }>, gated = false): Companion | undefined {
  if (whistles.every((w) => w.assignments.length === 0)) return undefined;
  return (first) => {
    const values = insertRows(
      'assignments',
      whistles.flatMap(({ whistleId, state, assignments }) => assignments.map((a) => [
        a.id,
        whistleId,
        a.departmentId,
        a.role,
        a.status,
        state.level ?? 'BLUE',
        a.summonedAt,
        a.deadlines.reportBy,
        a.deadlines.arriveBy,
        a.deadlines.completeBy,
        a.reportedAt,
        a.arrivedAt,
        a.completedAt,
        a.result,
        a.disputeNote,
        JSON.stringify(Object.entries(a.missed).map(([kind, dueAt]) => ({ kind, dueAt }))),
      ])),
      ASSIGNMENT_COLUMNS,
      first,
      { into: `${columnNames(ASSIGNMENT_COLUMNS)}, updated_at`, tail: 'now()', where: inWrittenStreams(WHISTLE_STREAM, gated) },
    );
    return {
      sql: `${values.sql}
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, level = EXCLUDED.level, report_by = EXCLUDED.report_by,
         arrive_by = EXCLUDED.arrive_by, complete_by = EXCLUDED.complete_by, reported_at = EXCLUDED.reported_at,
         arrived_at = EXCLUDED.arrived_at, completed_at = EXCLUDED.completed_at, result = EXCLUDED.result,
         dispute_note = EXCLUDED.dispute_note,
         overdue = (SELECT coalesce(jsonb_agg(DISTINCT x), '[]'::jsonb) FROM jsonb_array_elements(assignments.overdue || EXCLUDED.overdue) x),
         updated_at = now()`,
      params: values.params,
    };
  };
}

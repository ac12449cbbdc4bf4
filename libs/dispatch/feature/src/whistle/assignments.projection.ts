import type { EntityManager } from 'typeorm';
import { inWrittenStreams } from '@chuishao/event-store';
import { columnNames, insertRows, runTogether, type ColumnSpec, type Companion } from '@chuishao/postgres';
import { whistleStreamIdSql } from '@chuishao/contracts';
import type { DeadlineKind } from '@chuishao/dispatch-contracts';
import { judgedDueOf, type AssignmentState, type DispatchState, type DispatchStreamEvent } from '@chuishao/dispatch-domain';

/**
 * The tables beside dispatch's streams, written from its events: `assignments` (for listing),
 * durable `deadlines` (for the scheduler), `extension_requests` and the whistle's phase in
 * `whistle_briefs` (shown with each assignment). A summons' rows ride in its append's statement as
 * companions ({@link deadlinesInsert}, {@link assignmentsUpsert}); any other event's rows are
 * updated after the append, in the same transaction ({@link project}).
 */

/** Each kind with the time its PENDING row is judged at (an extension approved after a deadline fell due leaves that one standing). */
const KINDS: Array<[DeadlineKind, (a: AssignmentState) => string]> = [
  ['REPORT', (a) => judgedDueOf(a, 'REPORT')],
  ['ARRIVE', (a) => judgedDueOf(a, 'ARRIVE')],
  ['COMPLETE', (a) => judgedDueOf(a, 'COMPLETE')],
];

/** The assignments these summonses created, as they stand after them. */
export function summonedAssignments(state: DispatchState, events: ReadonlyArray<DispatchStreamEvent>): AssignmentState[] {
  const ids = new Set(events.flatMap((e) => (e.type === 'DepartmentsSummoned' ? e.data.assignments.map((s) => s.assignmentId) : [])));
  return state.assignments.filter((a) => ids.has(a.id));
}

/** Whistles' assignments (and, for their listing rows, each whistle's state after the events). */
export interface WhistleAssignments {
  whistleId: string;
  state?: DispatchState;
  assignments: ReadonlyArray<AssignmentState>;
}


const DEADLINE_COLUMNS: ColumnSpec[] = [
  ['assignment_id', 'uuid'],
  ['whistle_id', 'uuid'],
  ['kind', 'text'],
  ['due_at', 'timestamptz'],
];

/** Every deadline of these assignments in one statement (a summons has ~4 assignments × 3 kinds). */
export function deadlinesInsert(whistles: ReadonlyArray<WhistleAssignments>, gated = false): Companion | undefined {
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
export async function project(em: EntityManager, whistleId: string, state: DispatchState, events: ReadonlyArray<DispatchStreamEvent>): Promise<void> {
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
      case 'WhistleClosed':
        // The whistle's phase for the listing, and its pending deadlines that can no longer fire:
        // due at or after the closing (also those of completed assignments). Those due before it
        // stay for the scheduler, which judges them on the replies known (a miss before the
        // closing stands). Paused ones (a dispute waiting) were dropped with AssignmentsClosed.
        await em.query(`UPDATE whistle_briefs SET phase = $2, updated_at = now() WHERE whistle_id = $1`, [
          whistleId,
          e.data.cause === 'WHISTLE_CONFIRMED' ? 'RESOLVED' : 'WITHDRAWN',
        ]);
        await em.query(`UPDATE deadlines SET state = 'SKIPPED', decided_at = now() WHERE whistle_id = $1 AND state = 'PENDING' AND due_at >= $2`, [whistleId, e.data.closedAt]);
        break;
      case 'DeadlinesChanged':
        if (e.data.reason === 'WHISTLE_REOPENED') {
          await em.query(`UPDATE whistle_briefs SET phase = 'REOPENED', updated_at = now() WHERE whistle_id = $1 AND phase IN ('OPEN', 'REOPENED')`, [whistleId]);
        }
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
export function assignmentsUpsert(whistles: ReadonlyArray<WhistleAssignments & { state: DispatchState }>, gated = false): Companion | undefined {
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

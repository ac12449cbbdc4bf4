import type { AssignmentRole } from '@chuishao/dispatch-contracts';
import type { WhistleFact } from './facts';
import { monthKeyOf, DEFAULT_TZ } from './period';
import type { Rating } from './scoring-policy';
import type { AssignmentState, CountColumn, FeedbackState, Outcome, ProjectionOutput, WhistleState } from './projector-model';

/**
 * The incremental projection behind the scorecards, as pure functions.
 *
 * Time is a KEY: `ms * 2` for "from this instant on" (an event at T counts for every asOf ≥ T) and
 * `ms * 2 + 1` for "strictly after this instant" (an assignment open at its deadline becomes
 * MISSED for asOf > completeBy). A fact changes the state of its whistle's assignments; the change
 * is recorded as DELTAS of the per-(department, month) outcome counts at the keys where the
 * outcome function of asOf changes, and as MARKS opening/closing the "lost point" spans that the
 * explanations list. Summing the deltas and marks with key ≤ asOf·2 gives the state as of asOf
 * exactly, for any asOf, without replaying anything — which is what makes `asOf` cheap in SQL.
 */

export const COUNT_COLUMNS: readonly CountColumn[] = ['onTime', 'late', 'missed', 'excluded', 'satisfied', 'basicallySatisfied', 'dissatisfied'];

const OUTCOME_COLUMN: Record<Outcome, CountColumn> = { ON_TIME: 'onTime', LATE: 'late', MISSED: 'missed', EXCLUDED: 'excluded' };

const RATING_COLUMN: Record<Rating, CountColumn> = { SATISFIED: 'satisfied', BASICALLY_SATISFIED: 'basicallySatisfied', DISSATISFIED: 'dissatisfied' };

export const keyOf = (iso: string | Date, strict = false): number => (typeof iso === 'string' ? Date.parse(iso) : iso.getTime()) * 2 + (strict ? 1 : 0);
/** ISO text of a key, with a microsecond for a strict key (PostgreSQL timestamptz keeps it). */
export function keyIso(key: number): string {
  const iso = new Date(Math.floor(key / 2)).toISOString();
  return key % 2 === 1 ? `${iso.slice(0, -1)}001Z` : iso;
}

export const emptyWhistle = (whistleId: string): WhistleState => ({ whistleId, assignments: [], feedback: null, feedbacks: 0, withdrawn: false, lastKey: 0 });

/**
 * The outcome of an assignment in state `s` as of `asOf`: contract §7's credit rule. Completed by
 * its complete deadline (as moved by rejected disputes' pauses) → on time; after → late; open after
 * it → missed; open and not yet due, open while its dispute waits (the clock stopped), upheld, or
 * closed with its whistle while open and not yet due → excluded.
 */
export function outcomeAt(s: AssignmentState, asOfKey: number): Outcome {
  if (s.excluded) return 'EXCLUDED';
  if (s.completedAt) return Date.parse(s.completedAt) <= Date.parse(s.completeBy) ? 'ON_TIME' : 'LATE';
  if (s.pausedSince) return 'EXCLUDED';
  return keyOf(s.completeBy, true) <= asOfKey ? 'MISSED' : 'EXCLUDED';
}

function segments(s: AssignmentState | null, from: number): Array<{ key: number; outcome: Outcome | null }> {
  if (!s) return [{ key: from, outcome: null }];
  const first = outcomeAt(s, from);
  if (!s.excluded && !s.completedAt && !s.pausedSince && first === 'EXCLUDED') return [{ key: from, outcome: 'EXCLUDED' }, { key: keyOf(s.completeBy, true), outcome: 'MISSED' }];
  return [{ key: from, outcome: first }];
}

function lostSpanKind(s: AssignmentState, from: number): { kind: 'LATE' | 'MISSED' | 'CLOSED'; startKey: number } | null {
  if (s.excluded === 'CLOSED') return { kind: 'CLOSED', startKey: from }; // explained, no point lost
  if (s.excluded) return null;
  if (s.completedAt) return outcomeAt(s, from) === 'LATE' ? { kind: 'LATE', startKey: from } : null;
  if (s.pausedSince) return null;
  return { kind: 'MISSED', startKey: Math.max(from, keyOf(s.completeBy, true)) };
}

const equivalent = (a: AssignmentState, b: AssignmentState) =>
  a.excluded === b.excluded &&
  a.completedAt === b.completedAt &&
  a.completeBy === b.completeBy &&
  (a.pausedSince ?? null) === (b.pausedSince ?? null) &&
  (a.extensions?.length ?? 0) === (b.extensions?.length ?? 0); // a new extension re-opens the lost point's span to name it

/** Records the change of one assignment from `old` (null: did not exist) to `next` at key `at`. */
function change(old: AssignmentState | null, next: AssignmentState, at: number, out: ProjectionOutput): void {
  if (old && equivalent(old, next)) return;
  const emit = (segs: Array<{ key: number; outcome: Outcome | null }>, sign: number) => {
    segs.forEach((seg, i) => {
      const prev = i > 0 ? segs[i - 1].outcome : null;
      if (prev) out.deltas.push({ departmentId: next.departmentId, month: next.month, key: seg.key, column: OUTCOME_COLUMN[prev], delta: -sign });
      if (seg.outcome) out.deltas.push({ departmentId: next.departmentId, month: next.month, key: seg.key, column: OUTCOME_COLUMN[seg.outcome], delta: sign });
    });
  };
  emit(segments(old, at), -1);
  emit(segments(next, at), 1);
  if (old?.span) {
    out.marks.push({ departmentId: next.departmentId, month: next.month, key: Math.max(at, old.span.startKey), sign: -1, kind: old.span.kind, itemKey: `${next.assignmentId}#${old.span.no}`, whistleId: next.whistleId, detail: null });
  }
  const lost = lostSpanKind(next, at);
  next.span = null;
  if (lost) {
    next.spans = (old?.spans ?? 0) + 1;
    next.span = { no: next.spans, ...lost };
    out.marks.push({
      departmentId: next.departmentId,
      month: next.month,
      key: lost.startKey,
      sign: 1,
      kind: lost.kind,
      itemKey: `${next.assignmentId}#${next.spans}`,
      whistleId: next.whistleId,
      detail: { assignmentId: next.assignmentId, completeBy: next.completeBy, completedAt: next.completedAt, ...(next.extensions?.length ? { extensions: next.extensions } : {}) },
    });
  }
}

/** The LEAD department credited with a whistle's feedback: its latest LEAD assignment not taken away by an upheld dispute or a cancellation. */
function leadOf(w: WhistleState): AssignmentState | undefined {
  const leads = w.assignments.filter((a) => a.role === 'LEAD' && a.excluded !== 'UPHELD' && a.excluded !== 'CANCELLED');
  return leads.sort((a, b) => (a.summonedAt === b.summonedAt ? a.assignmentId.localeCompare(b.assignmentId) : a.summonedAt < b.summonedAt ? -1 : 1)).at(-1);
}

/**
 * Applies one whistle fact to its whistle's state (mutated) and returns the deltas and marks it
 * causes. Facts of one whistle must come in the whistle's order (Kafka's per-key order).
 */
export function applyFact(w: WhistleState, fact: WhistleFact, tz: string = DEFAULT_TZ): ProjectionOutput {
  const out: ProjectionOutput = { deltas: [], marks: [] };
  const at = Math.max(keyOf(fact.at), w.lastKey);
  w.lastKey = at;
  const update = (a: AssignmentState, patch: Partial<AssignmentState>) => {
    const old = { ...a };
    Object.assign(a, patch);
    change(old, a, at, out);
  };
  const create = (s: { assignmentId: string; departmentId: string; role: AssignmentRole; completeBy: string }, summonedAt: string) => {
    if (w.assignments.some((a) => a.assignmentId === s.assignmentId)) return;
    const a: AssignmentState = {
      assignmentId: s.assignmentId,
      whistleId: w.whistleId,
      departmentId: s.departmentId,
      role: s.role,
      summonedAt,
      month: monthKeyOf(summonedAt, tz),
      completeBy: s.completeBy,
      completedAt: null,
      excluded: w.withdrawn ? 'CLOSED' : null,
      pausedSince: null,
      span: null,
      spans: 0,
    };
    w.assignments.push(a);
    change(null, a, at, out);
  };
  const find = (id: string) => w.assignments.find((a) => a.assignmentId === id);
  /**
   * Closed with the whistle at `at` (contract §4, §7): an assignment open and not yet due becomes
   * CLOSED (excluded, explained). An outcome reached before stands — completed (on time or late)
   * or missed (open past its deadline): withdrawing or closing never erases one.
   */
  const close = (a: AssignmentState | undefined) => {
    if (!a || a.excluded || a.completedAt) return;
    if (!a.pausedSince && keyOf(a.completeBy, true) <= at) return; // already missed: the miss stands
    update(a, { excluded: 'CLOSED', pausedSince: null });
  };

  switch (fact.kind) {
    case 'summoned':
      for (const s of fact.assignments) create(s, fact.summonedAt);
      break;
    case 'deadlinesChanged':
      for (const c of fact.assignments) {
        const a = find(c.assignmentId);
        if (a) update(a, { completeBy: c.completeBy });
      }
      break;
    case 'completed': {
      const a = find(fact.assignmentId);
      if (a && !a.excluded && !a.completedAt) update(a, { completedAt: fact.completedAt });
      break;
    }
    case 'reopened':
      for (const a of w.assignments) if (!a.excluded && a.completedAt) update(a, { completedAt: null });
      break;
    case 'upheld': {
      const a = find(fact.assignmentId);
      if (a && !a.excluded) update(a, { excluded: 'UPHELD', pausedSince: null });
      if (fact.reassignedTo) create(fact.reassignedTo, fact.at);
      break;
    }
    case 'disputed': {
      // The clock stops, unless the deadline had already passed (that miss stands).
      const a = find(fact.assignmentId);
      if (a && !a.excluded && !a.completedAt && !a.pausedSince && keyOf(a.completeBy, true) > at) update(a, { pausedSince: fact.at });
      break;
    }
    case 'resumed': {
      const a = find(fact.assignmentId);
      if (a && a.pausedSince) update(a, { pausedSince: null, completeBy: fact.completeBy ?? a.completeBy });
      break;
    }
    case 'extended': {
      // Approved in time: the complete deadline moves (what counts as on time changes). Approved
      // after it had fallen due: the miss stands, the deadline scored stays; named either way.
      const a = find(fact.assignmentId);
      if (!a || a.excluded || a.completedAt) break;
      const extensions = [...(a.extensions ?? []), { until: fact.completeBy, approvedAt: fact.approvedAt }];
      update(a, fact.standing ? { extensions } : { extensions, completeBy: fact.completeBy });
      break;
    }
    case 'cancelled':
      for (const id of fact.assignmentIds) close(find(id));
      break;
    case 'withdrawn':
    case 'confirmed':
      w.withdrawn = true;
      for (const a of w.assignments) close(a);
      break;
    case 'feedback': {
      const lead = leadOf(w);
      if (!lead) break;
      const old = w.feedback;
      if (old) {
        out.deltas.push({ departmentId: old.departmentId, month: old.month, key: at, column: RATING_COLUMN[old.rating], delta: -1 });
        if (old.rating !== 'SATISFIED') out.marks.push({ departmentId: old.departmentId, month: old.month, key: at, sign: -1, kind: 'FEEDBACK', itemKey: old.itemKey, whistleId: w.whistleId, detail: null });
      }
      w.feedbacks += 1;
      const next: FeedbackState = { itemKey: `${w.whistleId}#${w.feedbacks}`, departmentId: lead.departmentId, month: lead.month, rating: fact.rating, ...(fact.feedbackId ? { feedbackId: fact.feedbackId } : {}) };
      w.feedback = next;
      out.deltas.push({ departmentId: next.departmentId, month: next.month, key: at, column: RATING_COLUMN[next.rating], delta: 1 });
      if (next.rating !== 'SATISFIED') out.marks.push({ departmentId: next.departmentId, month: next.month, key: at, sign: 1, kind: 'FEEDBACK', itemKey: next.itemKey, whistleId: w.whistleId, detail: { rating: next.rating, ...(next.feedbackId ? { feedbackId: next.feedbackId } : {}) } });
      break;
    }
    default: {
      const _exhaustive: never = fact;
      return _exhaustive;
    }
  }
  return out;
}

import { factFromEvent, type WhistleFact } from './facts';
import { parsePeriod } from './period';
import { applyFact, emptyWhistle, keyOf } from './projector';
import type { CountDelta, LostMark } from './projector-model';
import { computeScorecard } from './scorecard';
import { SCORING_POLICY_V1 } from './scoring-policy';

/** Extensions (延期, contract §11) in the scorecard: an approval in time moves what counts as on time; after a miss, the miss stands; every extension is named. */
const catalog = { departments: [{ id: 'A', name: '甲局' }], streets: [] };
const Q3 = parsePeriod('2026-Q3')!;
const T = (day: number, hour = 0) => new Date(Date.UTC(2026, 6, day, hour)).toISOString(); // July 2026
const summoned: WhistleFact = { kind: 'summoned', at: T(1), whistleId: 'w', summonedAt: T(1), assignments: [{ assignmentId: 'x', departmentId: 'A', role: 'LEAD', completeBy: T(3) }] };
const extended = (at: string, until: string, standing = false): WhistleFact => ({ kind: 'extended', at, whistleId: 'w', assignmentId: 'x', completeBy: until, approvedAt: at, standing });
const completed = (at: string): WhistleFact => ({ kind: 'completed', at, whistleId: 'w', assignmentId: 'x', completedAt: at });
const rowAt = (fs: WhistleFact[], asOf: string) => computeScorecard(fs, Q3, new Date(asOf), SCORING_POLICY_V1, catalog).rows[0];

describe('scorecard: extensions (延期申请)', () => {
  it('the fact of an approved COMPLETE extension; a denial or an ARRIVE extension does not score', () => {
    const data = { whistleId: 'w', assignmentId: 'x', departmentId: 'A', requestId: 'r', kind: 'COMPLETE', decision: 'APPROVE', reason: '同意', until: T(5), dueAt: T(3), decidedAt: T(2), standing: false };
    expect(factFromEvent({ type: 'ExtensionDecided', occurredAt: T(2), whistleId: 'w', data })).toEqual(extended(T(2), T(5)));
    expect(factFromEvent({ type: 'ExtensionDecided', occurredAt: T(2), whistleId: 'w', data: { ...data, decision: 'DENY' } })).toBeUndefined();
    expect(factFromEvent({ type: 'ExtensionDecided', occurredAt: T(2), whistleId: 'w', data: { ...data, kind: 'ARRIVE' } })).toBeUndefined();
  });

  it('given an extension approved before the deadline, when completed after the old deadline but by the new one, then on time; the explanation of a later miss names it', () => {
    const fs = [summoned, extended(T(2), T(5))];
    expect(rowAt([...fs, completed(T(4))], T(20)).completion).toMatchObject({ onTime: 1, late: 0, score: 100 });
    expect(rowAt(fs, T(4)).completion).toMatchObject({ counted: 0, excluded: 1 }); // not yet due by the new deadline
    const missed = rowAt(fs, T(6));
    expect(missed.completion).toMatchObject({ missed: 1 });
    expect(missed.explanations).toEqual([expect.objectContaining({ kind: 'MISSED', deadline: T(5), extensions: [{ until: T(5), approvedAt: T(2) }] })]);
    expect(missed.explanations[0].message).toContain(`延期至 ${T(5)}，经指挥中心批准`);
    expect(missed.explanations[0].message).toContain(`extended to ${T(5)}, approved by the command center`);
  });

  it('given a miss already recorded, when an extension is approved, then the miss stands: open → missed, completed by the new deadline → late (and the extension is named)', () => {
    const fs = [summoned, extended(T(4), T(8), true)];
    const open = rowAt(fs, T(6));
    expect(open.completion).toMatchObject({ missed: 1, excluded: 0 });
    expect(open.explanations[0]).toMatchObject({ kind: 'MISSED', deadline: T(3), extensions: [{ until: T(8), approvedAt: T(4) }] });
    const late = rowAt([...fs, completed(T(7))], T(20));
    expect(late.completion).toMatchObject({ late: 1, onTime: 0, score: 50 });
    expect(late.explanations[0].message).toContain(`延期至 ${T(8)}`);
    // and before the approval the same miss, without the extension
    expect(rowAt(fs, T(3, 12)).explanations[0]).not.toHaveProperty('extensions');
  });

  it('two extensions are both named, in order', () => {
    const fs = [summoned, extended(T(2), T(5)), extended(T(4), T(6)), completed(T(7))];
    const row = rowAt(fs, T(20));
    expect(row.completion).toMatchObject({ late: 1 });
    expect(row.explanations[0]).toMatchObject({ deadline: T(6), extensions: [{ until: T(5) }, { until: T(6) }] });
  });

  it('the incremental deltas and marks agree with the fold at every asOf (the SQL path)', () => {
    for (const fs of [
      [summoned, extended(T(2), T(5)), completed(T(6))],
      [summoned, extended(T(4), T(8), true), completed(T(7))],
      [summoned, extended(T(2), T(5)), extended(T(4), T(9))],
    ]) {
      const w = emptyWhistle('w');
      const deltas: CountDelta[] = [];
      const marks: LostMark[] = [];
      for (const f of fs) {
        const out = applyFact(w, f);
        deltas.push(...out.deltas);
        marks.push(...out.marks);
      }
      for (let day = 1; day <= 12; day++) {
        const asOf = T(day, 1);
        const key = keyOf(asOf);
        const row = rowAt(fs, asOf);
        const sum = (col: string) => deltas.filter((d) => d.key <= key && d.column === col).reduce((s, d) => s + d.delta, 0);
        expect([sum('onTime'), sum('late'), sum('missed'), sum('excluded')]).toEqual([row.completion.onTime, row.completion.late, row.completion.missed, row.completion.excluded]);
        const open = new Map<string, { n: number; detail: unknown }>();
        for (const m of marks.filter((x) => x.key <= key)) {
          const cur = open.get(m.itemKey) ?? { n: 0, detail: null };
          open.set(m.itemKey, { n: cur.n + m.sign, detail: m.sign === 1 ? m.detail : cur.detail });
        }
        const live = [...open.values()].filter((o) => o.n > 0).map((o) => (o.detail as { extensions?: unknown }).extensions ?? null);
        expect(live).toEqual(row.explanations.map((e) => ('extensions' in e && e.extensions) || null));
      }
    }
  });
});

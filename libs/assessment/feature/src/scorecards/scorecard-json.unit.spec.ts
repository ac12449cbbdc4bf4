import { SCORING_POLICY_V1, scoreTallies, emptyTally, type DepartmentTally } from '@chuishao/assessment-domain';
import type { ScorecardResult } from './scorecard.reader';
import { scorecardJson } from './scorecard-json';

const departments = Array.from({ length: 5 }, (_, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, name: `部门${i} "quoted" \\ back\u2028slash` }));
const streets = [{ id: 's1', name: '劝业场街道' }];

function card(items: number, extra: Partial<ScorecardResult> = {}): ScorecardResult {
  const tallies = new Map<string, DepartmentTally>();
  departments.forEach((d, i) => {
    const t = emptyTally();
    t.onTime = 10 * i;
    t.late = items * i + 1;
    t.missed = items * i + 1;
    t.feedback = { SATISFIED: 5, BASICALLY_SATISFIED: items * i + 1, DISSATISFIED: items * i + 1 };
    for (let k = 0; k < items * i; k++) {
      t.lost.push(
        k % 3 === 0
          ? { kind: 'FEEDBACK', whistleId: `w-${i}-${k}`, rating: k % 2 ? 'DISSATISFIED' : 'BASICALLY_SATISFIED' }
          : { kind: k % 3 === 1 ? 'LATE' : 'MISSED', whistleId: `w-${i}-${k}`, assignmentId: `a-${k}`, completeBy: '2026-07-01T00:00:00.000Z', completedAt: k % 3 === 1 ? '2026-07-02T00:00:00.000Z' : null },
      );
    }
    t.streetRatings.push({ streetId: 's1', score: 90, revision: 2, deductions: [{ points: 10, reason: '到场"不够"及时\n第二行 😀' }] });
    tallies.set(d.id, t);
  });
  const base = scoreTallies({ period: '2026-Q3', asOf: new Date('2026-10-01T00:00:00.000Z'), policy: SCORING_POLICY_V1, departments, streets, tallies });
  return { ...base, timeZone: 'Asia/Shanghai', closedAt: null, explained: true, ...extra };
}

describe('scorecardJson', () => {
  it.each([0, 1, 63, 64, 65, 300])('is byte-identical to Buffer.from(JSON.stringify(card)) (%i items per department step)', (items) => {
    const c = card(items);
    expect(scorecardJson(c).equals(Buffer.from(JSON.stringify(c), 'utf8'))).toBe(true);
  });

  it('keeps the key order and skips undefined values like JSON.stringify', () => {
    const c = card(3, { explainedDepartment: undefined, closedAt: '2026-10-02T00:00:00.000Z' });
    expect(scorecardJson(c).toString('utf8')).toBe(JSON.stringify(c));
    const d = card(3, { explainedDepartment: departments[1].id });
    expect(scorecardJson(d).toString('utf8')).toBe(JSON.stringify(d));
  });
});

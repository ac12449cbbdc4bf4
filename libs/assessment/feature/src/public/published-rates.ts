import type { Queryable } from '@chuishao/postgres';
import { defaultCatalog } from '@chuishao/catalog';
import { div, monthKeys, parsePeriod, ratio, roundHalfUp, type Period } from '@chuishao/assessment-domain';
import type { ScorecardRenderer } from '../scorecards/scorecard.renderer';

/** A department's published 三率 for one closed period, as percentages (2 decimals; null without data). */
export interface Rates {
  /** 响应率: assignments reported (报到) without a missed report deadline / assignments summoned. */
  responseRate: number | null;
  /** 按时办结率: completed by the complete deadline / counted (the scorecard's completion). */
  onTimeRate: number | null;
  /** 满意率: mean feedback score, 满意 100 / 基本满意 80 / 不满意 0 (the scorecard's satisfaction). */
  satisfactionRate: number | null;
}

export interface PublishedDepartment extends Rates {
  departmentId: string;
  name: string;
  nameEn: string;
  /** Assignments summoned in the period (the response rate's denominator). */
  assignments: number;
  /** Assignments the completion counts (the on-time rate's denominator). */
  counted: number;
  /** Feedback answers (the satisfaction rate's sample). */
  feedbackResponses: number;
}

export interface PublishedPeriod {
  period: string;
  closedAt: string;
  policyVersion: number;
  departments: PublishedDepartment[];
}

const percent = (part: number, whole: number): number | null => (whole > 0 ? Number(roundHalfUp(div(ratio(BigInt(part * 100)), ratio(BigInt(whole))))) : null);

/**
 * Every closed period of a kind, newest first, with its closing instant: a period is closed when it
 * or one enclosing it is (closing 2026 closes its quarters and months). From closed_periods, the
 * assessment's own table.
 */
export async function closedPeriods(db: Queryable, kind: Period['kind']): Promise<Array<{ period: string; closedAt: Date }>> {
  const rows: Array<{ period: string; closed_at: Date }> = await db.query(`SELECT period, closed_at FROM closed_periods`);
  const out = new Map<string, Date>();
  for (const r of rows) {
    const p = parsePeriod(r.period);
    if (!p) continue;
    const keys =
      kind === 'MONTH' ? monthKeys(p) : kind === 'QUARTER' ? (p.kind === 'MONTH' ? [] : [...new Set(monthKeys(p).map((m) => `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5)) - 1) / 3) + 1}`))]) : p.kind === 'YEAR' ? [p.key] : [];
    for (const k of keys) {
      const at = new Date(r.closed_at);
      const seen = out.get(k);
      if (!seen || at < seen) out.set(k, at);
    }
  }
  return [...out.entries()].map(([period, closedAt]) => ({ period, closedAt })).sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
}

/**
 * The published 三率 of a closed period: on-time completion and satisfaction from the period's
 * frozen scorecard (latest version: appeals applied), the response rate from the assignment facts
 * and the DeadlineMissed events logged up to the closing.
 */
export async function publishedRates(db: Queryable, renderer: ScorecardRenderer, period: string, closedAt: Date): Promise<PublishedPeriod> {
  const p = parsePeriod(period) as Period;
  const rendition = await renderer.render({ period, format: 'json', explain: false });
  const card = JSON.parse(rendition.body.toString('utf8')) as {
    policyVersion: number;
    rows: Array<{ departmentId: string; completion: { counted: number; onTime: number }; satisfaction: { score: number | null; responses: number } }>;
  };
  const responses: Array<{ department_id: string; assignments: number; responded: number }> = await db.query(
    `SELECT a.department_id::text AS department_id, count(*)::int AS assignments,
            count(*) FILTER (WHERE a.reported_at IS NOT NULL AND a.reported_at <= $2::timestamptz AND NOT EXISTS (
              SELECT 1 FROM assessment_inbox_log l
               WHERE l.whistle_id = a.whistle_id AND l.type = 'DeadlineMissed' AND l.occurred_at <= $2::timestamptz
                 AND l.envelope->'data'->>'assignmentId' = a.assignment_id::text AND l.envelope->'data'->>'kind' = 'REPORT'))::int AS responded
       FROM assignment_facts a
      WHERE a.month = ANY($1) AND a.summoned_at <= $2::timestamptz AND (a.excluded IS NULL OR a.reported_at IS NOT NULL)
      GROUP BY a.department_id`,
    [monthKeys(p), closedAt.toISOString()],
  );
  const byDept = new Map(responses.map((r) => [r.department_id, r]));
  const rows = new Map(card.rows.map((r) => [r.departmentId, r]));
  return {
    period,
    closedAt: closedAt.toISOString(),
    policyVersion: card.policyVersion,
    departments: defaultCatalog().departments.map((d) => {
      const row = rows.get(d.id);
      const r = byDept.get(d.id);
      const counted = row?.completion.counted ?? 0;
      return {
        departmentId: d.id,
        name: d.name,
        nameEn: d.nameEn,
        assignments: r?.assignments ?? 0,
        counted,
        feedbackResponses: row?.satisfaction.responses ?? 0,
        responseRate: percent(r?.responded ?? 0, r?.assignments ?? 0),
        onTimeRate: percent(row?.completion.onTime ?? 0, counted),
        satisfactionRate: row?.satisfaction.score ?? null,
      };
    }),
  };
}

import type { Queryable } from '@chuishao/postgres';
import { defaultCatalog } from '@chuishao/catalog';
import { annualPeriodKeys, computeAnnual, parsePeriod, periodRange, policyFor, type AnnualReport } from '@chuishao/assessment-domain';
import { closingOf } from '../periods/closed-periods';
import { scoringPolicyVersions } from '../policy/scoring-policy.repository';
import { effectiveAsOf } from '../scorecards/scorecard-cache';
import { periodNumbers } from '../scorecards/period-numbers';

export interface AnnualResult extends AnnualReport {
  asOf: string;
  timeZone: string;
}

/**
 * The annual grade of `year` (contract §12) under the policy version in force on 1 January: the
 * year's quarters (or months) that have started by asOf, each as its own scorecard says (its
 * policy version, frozen at its closing), combined by {@link computeAnnual}.
 */
export async function buildAnnual(db: Queryable, yearKey: string, requestedAsOf: Date | undefined, opts: { tz: string; now?: Date; onlyDepartment?: string }): Promise<AnnualResult> {
  const year = parsePeriod(yearKey);
  if (!year || year.kind !== 'YEAR') throw new Error(`invalid year ${yearKey}`);
  const now = opts.now ?? new Date();
  const [{ versions }, closing] = await Promise.all([scoringPolicyVersions(db), closingOf(db, year)]);
  const { asOf } = effectiveAsOf(requestedAsOf, now, closing);
  const policy = policyFor(year, asOf, versions, opts.tz);
  const keys = annualPeriodKeys(year.year, policy).filter((k) => periodRange(parsePeriod(k)!, opts.tz).start.getTime() <= asOf.getTime());
  const periods = [];
  for (const key of keys) periods.push(await periodNumbers(db, key, requestedAsOf, { versions, tz: opts.tz, now }));
  const departments = defaultCatalog().departments.map((d) => ({ id: d.id, name: d.name }));
  const report = computeAnnual({ year, policy, periods, departments });
  const rows = opts.onlyDepartment ? report.rows.filter((r) => r.departmentId === opts.onlyDepartment) : report.rows;
  return { ...report, rows, asOf: asOf.toISOString(), timeZone: opts.tz };
}

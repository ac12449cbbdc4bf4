import type { Queryable } from '@chuishao/postgres';
import { parsePeriod, policyFor, type PeriodNumbers, type PublishedPolicy } from '@chuishao/assessment-domain';
import { closingOf } from '../periods/closed-periods';
import { buildScorecard } from './scorecard.reader';
import { effectiveAsOf } from './scorecard-cache';
import { readStoredNumbers } from './scorecard-versions';

/**
 * The numbers of one period's scorecard (no explanations) as the annual grade uses them: as of
 * the requested asOf (else now), frozen at its closing, under the policy version in force at the
 * period's start.
 */
export async function periodNumbers(
  db: Queryable,
  periodKey: string,
  requestedAsOf: Date | undefined,
  opts: { versions: readonly PublishedPolicy[]; tz: string; now: Date },
): Promise<PeriodNumbers> {
  const period = parsePeriod(periodKey);
  if (!period) throw new Error(`invalid period ${periodKey}`);
  const closing = (await closingOf(db, period)) ?? null;
  const { asOf } = effectiveAsOf(requestedAsOf, opts.now, closing ?? undefined);
  // a closed period amended after appeals: its latest stored version
  if (closing && asOf.getTime() === closing.closedAt.getTime()) {
    const stored = await readStoredNumbers(db, period.key);
    if (stored) return stored;
  }
  const policy = policyFor(period, asOf, opts.versions, opts.tz);
  const card = await buildScorecard(db, period.key, requestedAsOf, { policy, tz: opts.tz, now: opts.now, closing, explain: false });
  return { period: card.period, policyVersion: card.policyVersion, asOf: card.asOf, closedAt: card.closedAt, version: 1, rows: card.rows };
}

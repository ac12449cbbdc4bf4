import { gunzipSync, gzipSync } from 'node:zlib';
import type { Queryable } from '@chuishao/postgres';
import { enclosingPeriods, parsePeriod, policyFor, type Period, type PeriodNumbers, type PublishedPolicy } from '@chuishao/assessment-domain';
import { closingOf } from '../periods/closed-periods';
import { buildScorecard, type ScorecardResult } from './scorecard.reader';
import { scorecardJson } from './scorecard-json';

/** A stored version of a closed period's scorecard (contract §11): never changed once written. */
export interface StoredScorecard extends ScorecardResult {
  version: number;
  /** When this version was stored; null for version 1 (the scorecard at the closing). */
  amendedAt: string | null;
  /** The upheld appeal whose decision made this version; null for version 1. */
  amendedBy: string | null;
}

export interface VersionInfo {
  version: number;
  asOf: string;
  appealsAsOf: string;
  policyVersion: number;
  amendedBy: string | null;
  createdAt: string;
}

export async function listVersions(db: Queryable, period: string): Promise<VersionInfo[]> {
  const rows: Array<{ version: number; as_of: Date; appeals_as_of: Date; policy_version: number; amended_by: string | null; created_at: Date }> = await db.query(
    `SELECT version, as_of, appeals_as_of, policy_version, amended_by::text AS amended_by, created_at FROM scorecard_versions WHERE period = $1 ORDER BY version`,
    [period],
  );
  return rows.map((r) => ({ version: r.version, asOf: new Date(r.as_of).toISOString(), appealsAsOf: new Date(r.appeals_as_of).toISOString(), policyVersion: r.policy_version, amendedBy: r.amended_by, createdAt: new Date(r.created_at).toISOString() }));
}

/** The stored version `version` (default: the latest) of a period, or undefined when none is stored. */
export async function readStoredVersion(db: Queryable, period: string, version?: number): Promise<StoredScorecard | undefined> {
  const rows: Array<{ body: Buffer }> = await db.query(
    `SELECT body FROM scorecard_versions WHERE period = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
    [period, version ?? null],
  );
  return rows[0] ? (JSON.parse(gunzipSync(rows[0].body).toString('utf8')) as StoredScorecard) : undefined;
}

/** The numbers of the latest stored version (the annual grade's input), or undefined. */
export async function readStoredNumbers(db: Queryable, period: string): Promise<PeriodNumbers | undefined> {
  const rows: Array<{ numbers: PeriodNumbers }> = await db.query(`SELECT numbers FROM scorecard_versions WHERE period = $1 ORDER BY version DESC LIMIT 1`, [period]);
  return rows[0]?.numbers;
}

async function store(db: Queryable, card: StoredScorecard, appealsAsOf: Date): Promise<void> {
  const numbers: PeriodNumbers = {
    period: card.period,
    policyVersion: card.policyVersion,
    asOf: card.asOf,
    closedAt: card.closedAt,
    version: card.version,
    rows: card.rows.map((r) => ({ departmentId: r.departmentId, total: r.total, completion: { counted: r.completion.counted } })),
  };
  await db.query(
    `INSERT INTO scorecard_versions (period, version, as_of, appeals_as_of, policy_version, amended_by, body, numbers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [card.period, card.version, card.asOf, appealsAsOf.toISOString(), card.policyVersion, card.amendedBy, gzipSync(scorecardJson(card)), JSON.stringify(numbers)],
  );
}

/**
 * After an appeal upheld at `decidedAt`, each closed period in `periods` gets an amended version:
 * the scorecard as of its closing with the appeals upheld up to the decision. The first time,
 * version 1 — the scorecard as it stands at the closing, appeals up to the closing — is stored
 * first. Runs in the decision's transaction (the period's rows are locked by the insert).
 */
export async function amendClosedPeriods(
  db: Queryable,
  periods: readonly Period[],
  decidedAt: Date,
  appealId: string,
  opts: { versions: readonly PublishedPolicy[]; tz: string },
): Promise<Array<{ period: string; version: number }>> {
  const out: Array<{ period: string; version: number }> = [];
  for (const period of periods) {
    const closing = await closingOf(db, period);
    if (!closing || closing.closedAt.getTime() >= decidedAt.getTime()) continue;
    await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`scorecard-versions:${period.key}`]);
    const policy = policyFor(period, closing.closedAt, opts.versions, opts.tz);
    const build = (appealsAsOf: Date) => buildScorecard(db, period.key, closing.closedAt, { policy, tz: opts.tz, now: decidedAt, closing, appealsAsOf });
    const [{ latest }]: Array<{ latest: number | null }> = await db.query(`SELECT max(version) AS latest FROM scorecard_versions WHERE period = $1`, [period.key]);
    let version = latest ?? 0;
    if (version === 0) {
      await store(db, { ...(await build(closing.closedAt)), version: 1, amendedAt: null, amendedBy: null }, closing.closedAt);
      version = 1;
    }
    version += 1;
    await store(db, { ...(await build(decidedAt)), version, amendedAt: decidedAt.toISOString(), amendedBy: appealId }, decidedAt);
    out.push({ period: period.key, version });
  }
  return out;
}

/** The periods whose scorecards an appeal's point counts in: the appeal's period and the ones enclosing it, and those of the point's month. */
export function periodsOfPoint(appealPeriod: string, month: string | null): Period[] {
  const keys = new Set(enclosingPeriods(parsePeriod(appealPeriod) as Period));
  if (month) for (const k of enclosingPeriods(parsePeriod(month) as Period)) keys.add(k);
  return [...keys].map((k) => parsePeriod(k) as Period);
}

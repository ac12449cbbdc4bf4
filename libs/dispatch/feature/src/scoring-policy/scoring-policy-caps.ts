import { Injectable } from '@nestjs/common';
import { DEFAULT_DISTRICT_TZ, extensionCapOfSummons, periodStartMonth, type ExtensionCapVersion } from '@chuishao/dispatch-domain';
import type { Queryable } from '@chuishao/postgres';

/** CHUISHAO_TZ (validated at boot by the service config), default Asia/Shanghai. */
export function districtTimeZone(): string {
  const tz = process.env.CHUISHAO_TZ?.trim();
  return tz ? tz : DEFAULT_DISTRICT_TZ;
}

/** What dispatch keeps of a ScoringPolicyPublished. */
export interface ScoringPolicyCap extends ExtensionCapVersion {
  publishedAt: string;
  eventId: string;
}

/**
 * Checks the data of a ScoringPolicyPublished read from the bus (the fields dispatch uses); returns
 * a reason when it is unusable. The rest of the policy is assessment's and is not looked at.
 * effectiveFrom is taken as the bus says (assessment publishes only periods not started yet, but
 * dispatch does not second-guess a version that was published).
 */
export function scoringPolicyProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'data is not an object';
  const d = data as { version?: unknown; effectiveFrom?: unknown; extensionCap?: unknown };
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1) return 'version must be a positive integer';
  if (typeof d.effectiveFrom !== 'string' || periodStartMonth(d.effectiveFrom) === undefined) return 'effectiveFrom must be a period such as 2027, 2027-Q1 or 2027-01';
  if (typeof d.extensionCap !== 'number' || !Number.isInteger(d.extensionCap) || d.extensionCap < 0 || d.extensionCap > 1000) return 'extensionCap must be an integer from 0';
  return undefined;
}

/**
 * The scoring policy versions dispatch has seen published (table `scoring_policy_caps`), and the
 * extension cap they give an assignment: the version in force at the start of its summons' month
 * (see extensionCapFor), default 2. A handful of rows a year: read whole when a cap is needed.
 */
@Injectable()
export class ScoringPolicyCaps {
  async record(db: Queryable, p: ScoringPolicyCap): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO scoring_policy_caps (version, effective_from, extension_cap, published_at, event_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (version) DO NOTHING RETURNING version`,
      [p.version, p.effectiveFrom, p.extensionCap, p.publishedAt, p.eventId],
    );
    return rows.length > 0;
  }

  async versions(db: Queryable): Promise<ExtensionCapVersion[]> {
    const rows: Array<{ version: number; effective_from: string; extension_cap: number }> = await db.query(
      `SELECT version, effective_from, extension_cap FROM scoring_policy_caps ORDER BY version`,
    );
    return rows.map((r) => ({ version: r.version, effectiveFrom: r.effective_from, extensionCap: r.extension_cap }));
  }

  /** The cap of an assignment summoned at `summonedAt`. */
  async capOf(db: Queryable, summonedAt: string | Date): Promise<number> {
    return extensionCapOfSummons(await this.versions(db), new Date(summonedAt).toISOString(), districtTimeZone());
  }
}

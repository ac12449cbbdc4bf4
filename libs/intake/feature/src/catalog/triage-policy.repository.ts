import { Injectable } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';
import { isDuration } from '@chuishao/contracts';
import { DEFAULT_TRIAGE_SLA, type Sla } from '@chuishao/triage-contracts';

/** Contract §3, default policy v1: in force until intake sees a TriagePolicyPublished. */
const DEFAULT_POLICY: Readonly<{ version: number; sla: Sla }> = Object.freeze({ version: 1, sla: DEFAULT_TRIAGE_SLA });

const LEVEL_KEYS = ['RED', 'YELLOW', 'BLUE'] as const;

/** Checks the data of a TriagePolicyPublished read from the bus; returns a reason when it is unusable. */
export function policyProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'data is not an object';
  const d = data as { version?: unknown; sla?: unknown };
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1) return 'version must be a positive integer';
  if (typeof d.sla !== 'object' || d.sla === null) return 'sla must be an object';
  const sla = d.sla as Record<string, unknown>;
  for (const level of LEVEL_KEYS) {
    const s = sla[level] as Record<string, unknown> | undefined;
    if (typeof s !== 'object' || s === null) return `sla.${level} is missing`;
    for (const k of ['report', 'arrive', 'complete']) {
      if (typeof s[k] !== 'string' || !isDuration(s[k] as string)) return `sla.${level}.${k} must be an ISO 8601 duration`;
    }
  }
  return undefined;
}

/** The triage policies intake has seen published (their SLA only); the highest version is in force. */
@Injectable()
export class TriagePolicyRepository {
  async inForce(db: Queryable): Promise<{ version: number; sla: Sla }> {
    const rows: Array<{ version: number; sla: Sla }> = await db.query(`SELECT version, sla FROM triage_policies ORDER BY version DESC LIMIT 1`);
    return rows[0] ?? DEFAULT_POLICY;
  }

  async record(db: Queryable, p: { version: number; sla: Sla; eventId: string; publishedAt: string }): Promise<void> {
    const sla = Object.fromEntries(LEVEL_KEYS.map((l) => [l, { report: p.sla[l].report, arrive: p.sla[l].arrive, complete: p.sla[l].complete }]));
    await db.query(
      `INSERT INTO triage_policies (version, sla, event_id, published_at) VALUES ($1, $2, $3, $4) ON CONFLICT (version) DO NOTHING`,
      [p.version, JSON.stringify(sla), p.eventId, p.publishedAt],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { insertRows, type ColumnSpec, type Companion, type Queryable } from '@chuishao/postgres';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistlePhase } from '@chuishao/dispatch-domain';

export interface WhistleBrief {
  whistleId: string;
  streetId: string;
  situationCode: string;
  title: string;
  description: string;
  location: unknown;
  phase: WhistlePhase;
}

export interface BriefRow {
  whistle_id: string;
  street_id: string;
  situation_code: string;
  title: string;
  description: string;
  location: unknown;
  phase: WhistlePhase;
}

const BRIEF_COLUMNS: ColumnSpec[] = [
  ['whistle_id', 'uuid'],
  ['street_id', 'uuid'],
  ['situation_code', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['location', 'jsonb'],
];

/**
 * What dispatch must tell departments about a whistle (from WhistleBlown). Its `phase` is written by
 * the assignments projection from dispatch's stream (WhistleClosed, a reopen's DeadlinesChanged) and
 * read as state only for a stream written before WhistleClosed existed (ADR 0023).
 */
@Injectable()
export class WhistleBriefs {
  /** The insert of these blown whistles' briefs, to run alone or with others (a brief already there is kept: idempotent). */
  remember(blown: ReadonlyArray<WhistleBlownData>): Companion | undefined {
    if (blown.length === 0) return undefined;
    return (first) => {
      const rows = insertRows(
        'whistle_briefs',
        blown.map((d) => [d.whistleId, d.streetId, d.situationCode, d.title, d.description, JSON.stringify(d.location)]),
        BRIEF_COLUMNS,
        first,
      );
      return { sql: `${rows.sql} ON CONFLICT (whistle_id) DO NOTHING`, params: rows.params };
    };
  }

  async get(em: Queryable, whistleId: string): Promise<WhistleBrief | undefined> {
    const rows: BriefRow[] = await em.query(`SELECT * FROM whistle_briefs WHERE whistle_id = $1`, [whistleId]);
    return rows[0] ? toBrief(rows[0]) : undefined;
  }
}

/** The brief a WhistleBlown gives, before it is stored (phase OPEN, as the table's default). */
export function briefOf(d: WhistleBlownData): WhistleBrief {
  return { whistleId: d.whistleId, streetId: d.streetId, situationCode: d.situationCode, title: d.title, description: d.description, location: d.location, phase: 'OPEN' };
}

export function toBrief(r: BriefRow): WhistleBrief {
  return {
    whistleId: r.whistle_id,
    streetId: r.street_id,
    situationCode: r.situation_code,
    title: r.title,
    description: r.description,
    location: r.location,
    phase: r.phase,
  };
}

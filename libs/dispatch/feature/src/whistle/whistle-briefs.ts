import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { renumbered, type Companion } from '@chuishao/event-store';
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

/** What dispatch must tell departments about a whistle (from WhistleBlown) and the whistle facts it learned. */
@Injectable()
export class WhistleBriefs {
  /** The insert of these blown whistles' briefs, to run alone or with others (a brief already there is kept: idempotent). */
  remember(blown: ReadonlyArray<WhistleBlownData>): Companion | undefined {
    if (blown.length === 0) return undefined;
    const col = <T>(f: (d: WhistleBlownData) => T): T[] => blown.map(f);
    return renumbered(
      `INSERT INTO whistle_briefs (whistle_id, street_id, situation_code, title, description, location)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) ON CONFLICT (whistle_id) DO NOTHING`,
      [col((d) => d.whistleId), col((d) => d.streetId), col((d) => d.situationCode), col((d) => d.title), col((d) => d.description), col((d) => JSON.stringify(d.location))],
    );
  }

  async get(em: Pick<EntityManager, 'query'>, whistleId: string): Promise<WhistleBrief | undefined> {
    const rows: BriefRow[] = await em.query(`SELECT * FROM whistle_briefs WHERE whistle_id = $1`, [whistleId]);
    return rows[0] ? toBrief(rows[0]) : undefined;
  }

  async setPhase(em: EntityManager, whistleId: string, phase: WhistlePhase): Promise<void> {
    await em.query(`UPDATE whistle_briefs SET phase = $2, updated_at = now() WHERE whistle_id = $1`, [whistleId, phase]);
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

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
  /** The briefs of these blown whistles, in one statement (a brief already there is kept). */
  async remember(em: EntityManager, blown: ReadonlyArray<WhistleBlownData>): Promise<void> {
    if (blown.length === 0) return;
    const col = <T>(f: (d: WhistleBlownData) => T): T[] => blown.map(f);
    await em.query(
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

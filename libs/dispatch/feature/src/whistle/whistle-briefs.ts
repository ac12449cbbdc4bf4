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
  async remember(em: EntityManager, d: WhistleBlownData): Promise<void> {
    await em.query(
      `INSERT INTO whistle_briefs (whistle_id, street_id, situation_code, title, description, location)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (whistle_id) DO NOTHING`,
      [d.whistleId, d.streetId, d.situationCode, d.title, d.description, JSON.stringify(d.location)],
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

import type { Queryable } from '@chuishao/postgres';
import { defaultCatalog } from '@chuishao/catalog';
import { wallClock } from '@chuishao/assessment-domain';

/** A spreadsheet cell. */
export type Cell = string | number | null;

/**
 * "2026-12-05 14:30" — an instant as local wall-clock time in the district's zone, the format the
 * console shows and Excel parses as a date and time. Empty when there is no instant.
 */
export function localTime(iso: string | null | undefined, tz: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const w = wallClock(d, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`;
}

/** A CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused with a leading apostrophe. */
function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * ONE table as a CSV that Excel opens as it is: UTF-8 with a BOM (so it shows Chinese), CRLF line
 * ends, a header row and rows of the same width — nothing before, between or after.
 */
export function csvTable(headers: string[], rows: Cell[][]): Buffer {
  for (const r of rows) if (r.length !== headers.length) throw new Error(`a CSV row has ${r.length} cells, the header ${headers.length}`);
  const text = [headers, ...rows].map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** What a person recognises a whistle by in a spreadsheet: its situation and its street (free text is not kept by assessment). */
export interface WhistleName {
  situation: string;
  street: string;
}

/** The situation and street names of whistles, from assessment's whistle facts and the catalog. */
export async function whistleNames(db: Queryable, ids: string[]): Promise<Map<string, WhistleName>> {
  const unique = [...new Set(ids)];
  const names = new Map<string, WhistleName>();
  if (!unique.length) return names;
  const catalog = defaultCatalog();
  const rows = (await db.query(`SELECT whistle_id, street_id, situation_code FROM whistle_facts WHERE whistle_id = ANY($1::uuid[])`, [unique])) as Array<{
    whistle_id: string;
    street_id: string | null;
    situation_code: string | null;
  }>;
  for (const r of rows) {
    names.set(r.whistle_id, {
      situation: (r.situation_code && catalog.situation(r.situation_code)?.name) || '',
      street: (r.street_id && catalog.street(r.street_id)?.name) || '',
    });
  }
  return names;
}

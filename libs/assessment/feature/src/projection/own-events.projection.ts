import type { Queryable } from '@chuishao/event-store';
import type { PeriodClosedData, StreetRatedData } from '@chuishao/assessment-contracts';
import { tableNamer } from './assessment-projection';

/** One of this service's own stored events (StreetRated, PeriodClosed). */
export interface OwnEvent {
  eventId: string;
  type: string;
  data: unknown;
  occurredAt: Date;
}

/**
 * Projects the assessment's own events into street_ratings / closed_periods: in the command's
 * transaction (read your writes), and by a rebuild from the events table.
 */
export async function projectOwnEvents(db: Queryable, events: readonly OwnEvent[], schema?: string): Promise<void> {
  const t = tableNamer(schema);
  const rated = events.filter((e) => e.type === 'StreetRated');
  if (rated.length) {
    const d = rated.map((e) => e.data as StreetRatedData);
    await db.query(
      `INSERT INTO ${t('street_ratings')} (street_id, department_id, period, revision, score, deductions, comment, rated_at, event_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::jsonb[], $7::text[], $8::timestamptz[], $9::uuid[])
       ON CONFLICT DO NOTHING`,
      [
        d.map((x) => x.streetId),
        d.map((x) => x.departmentId),
        d.map((x) => x.period),
        d.map((x) => x.revision),
        d.map((x) => x.score),
        d.map((x) => JSON.stringify(x.deductions)),
        d.map((x) => x.comment),
        rated.map((e) => e.occurredAt.toISOString()),
        rated.map((e) => e.eventId),
      ],
    );
  }
  for (const e of events.filter((x) => x.type === 'PeriodClosed')) {
    const d = e.data as PeriodClosedData;
    await db.query(`INSERT INTO ${t('closed_periods')} (period, closed_at, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [d.period, d.closedAt, e.eventId]);
  }
}

import type { Queryable } from '@chuishao/postgres';
import type { AppealDecidedData, AppealFiledData, PeriodClosedData, StreetRatedData } from '@chuishao/assessment-contracts';
import { tableNamer } from './assessment-projection';

/** One of this service's own stored events (StreetRated, PeriodClosed, AppealFiled, AppealDecided). */
export interface OwnEvent {
  eventId: string;
  type: string;
  data: unknown;
  occurredAt: Date;
}

/**
 * Projects the assessment's own events into street_ratings / closed_periods / appeals: in the command's
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
  for (const e of events) {
    if (e.type === 'AppealFiled') {
      const d = e.data as AppealFiledData;
      const targetId = d.target.assignmentId ?? d.target.ratingId ?? d.target.feedbackId;
      await db.query(
        `INSERT INTO ${t('appeals')} (appeal_id, period, department_id, kind, target_id, deduction_index, target, reason, evidence, filed_at, status, filed_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', $11) ON CONFLICT DO NOTHING`,
        [d.appealId, d.period, d.departmentId, d.target.kind, targetId, d.target.deductionIndex ?? null, JSON.stringify(d.target), d.reason, JSON.stringify(d.evidence), e.occurredAt.toISOString(), e.eventId],
      );
    } else if (e.type === 'AppealDecided') {
      const d = e.data as AppealDecidedData;
      await db.query(
        `UPDATE ${t('appeals')} SET status = $2, decision_reason = $3, decided_at = $4, decided_event_id = $5 WHERE appeal_id = $1 AND decided_event_id IS NULL`,
        [d.appealId, d.decision === 'UPHOLD' ? 'UPHELD' : 'REJECTED', d.reason, e.occurredAt.toISOString(), e.eventId],
      );
    }
  }
}

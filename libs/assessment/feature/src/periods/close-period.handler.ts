import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandHandler, ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import { parsePeriod, periodRange } from '@chuishao/assessment-domain';
import type { PeriodClosedData } from '@chuishao/assessment-contracts';
import { projectOwnEvents } from '../projection/own-events.projection';
import { districtTimeZone } from '../projection/district-time-zone';
import { ScorecardRenderer } from '../scorecards/scorecard.renderer';
import { lockPeriodYear } from './closed-periods';

/**
 * Closes (freezes) a period: PeriodClosed on stream `period-<period>`. Afterwards no street can rate
 * in it (or in a period it encloses), and its scorecard is computed as of the closing instant.
 * A period can be closed once, and only after it has ended. Once committed, the default scorecard
 * of the period is rendered into the cache in the background.
 */
/** A period's stream `period-<key>`: closed once. */
const periods = CommandHandler<boolean, { type: 'PeriodClosed'; data: PeriodClosedData }>({ initialState: () => false, evolve: () => true });

@Injectable()
export class ClosePeriodHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly scorecards: ScorecardRenderer,
  ) {}

  async handle(principal: Principal, value: string, now = new Date()): Promise<PeriodClosedData & { eventId: string }> {
    const period = parsePeriod(value);
    if (!period) throw ProblemException.validation('考核期格式错误 / Invalid period', [{ field: 'period', message: 'expected 2026, 2026-Q3 or 2026-09' }]);
    const { end } = periodRange(period, districtTimeZone());
    if (end.getTime() > now.getTime()) {
      throw ProblemException.conflict(`考核期 ${period.key} 尚未结束（${end.toISOString()}），不能关闭 / Period ${period.key} has not ended yet (${end.toISOString()})`);
    }
    const streamId = `period-${period.key}`;
    let closed: PeriodClosedData & { eventId: string };
    try {
      closed = await this.dataSource.transaction(async (em) => {
        await lockPeriodYear(em, period);
        const data: PeriodClosedData = { period: period.key, closedAt: now.toISOString() };
        const { newEvents } = await periods(
          this.store,
          em,
          streamId,
          (closed) => {
            if (closed) throw new ConcurrencyError(streamId, 0, 1);
            return [{ type: 'PeriodClosed', data, occurredAt: now }];
          },
          {
            metadata: { correlationId: randomUUID(), causationId: null, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } },
            streamType: 'period',
            companions: publishing({ topic: this.messaging.topic(TOPICS.assessmentEvents), source: 'assessment', whistleId: null, key: streamId }),
          },
        );
        await projectOwnEvents(em, newEvents);
        return { ...data, eventId: newEvents[0].eventId };
      });
    } catch (err) {
      if (err instanceof ConcurrencyError) throw ProblemException.conflict(`考核期 ${period.key} 已关闭 / Period ${period.key} is already closed`);
      throw err;
    }
    // committed: the frozen scorecard is rendered into the cache in the background (ADR 0008)
    this.scorecards.warm(period.key);
    return closed;
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandHandler, ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { cleanText, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import { parsePeriod } from '@chuishao/assessment-domain';
import type { StreetRatedData } from '@chuishao/assessment-contracts';
import { projectOwnEvents } from '../projection/own-events.projection';
import { closingOf, lockPeriodYear } from '../periods/closed-periods';
import type { RateDepartmentRequestDto } from './rate-department.request.dto';

export interface RatingResource extends StreetRatedData {
  eventId: string;
  ratedAt: string;
}

/**
 * A street rates a department for a period: score = 100 − Σ points (floor 0). Each post for the
 * same street, department and period appends a new revision (StreetRated) to the stream
 * `rating-<streetId>-<departmentId>-<period>`; every revision is kept, the latest counts.
 */
/** A rating's stream `rating-<street>-<department>-<period>`: every post is a new revision. */
const ratings = CommandHandler<number, { type: 'StreetRated'; data: StreetRatedData }>({ initialState: () => 0, evolve: (revisions) => revisions + 1 });

@Injectable()
export class RateDepartmentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
  ) {}

  async handle(principal: Principal, dto: RateDepartmentRequestDto): Promise<RatingResource> {
    const period = parsePeriod(dto.period);
    if (!period) throw ProblemException.validation('考核期格式错误 / Invalid period', [{ field: 'period', message: 'expected 2026, 2026-Q3 or 2026-09' }]);
    if (!defaultCatalog().department(dto.departmentId)) {
      throw ProblemException.validation(`未知部门 / Unknown department ${dto.departmentId}`, [{ field: 'departmentId', message: '未知部门 / unknown department' }]);
    }
    const streetId = principal.org as string;
    const streamId = `rating-${streetId}-${dto.departmentId}-${period.key}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (em) => {
          await lockPeriodYear(em, period);
          const closed = await closingOf(em, period);
          if (closed) {
            throw ProblemException.conflict(
              `考核期 ${closed.period} 已于 ${closed.closedAt.toISOString()} 关闭，不能再评分 / Period ${closed.period} was closed at ${closed.closedAt.toISOString()}: ratings are frozen`,
            );
          }
          const deductions = dto.deductions.map((d) => ({ points: d.points, reason: cleanText(d.reason) }));
          const { newEvents } = await ratings(
            this.store,
            em,
            streamId,
            (revisions) => [
              {
                type: 'StreetRated',
                data: {
                  streetId,
                  departmentId: dto.departmentId,
                  period: period.key,
                  deductions,
                  score: Math.max(0, 100 - deductions.reduce((s, d) => s + d.points, 0)),
                  comment: dto.comment ?? null,
                  revision: revisions + 1,
                },
              },
            ],
            {
              metadata: { correlationId: randomUUID(), causationId: null, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } },
              streamType: 'rating',
              companions: publishing({ topic: this.messaging.topic(TOPICS.assessmentEvents), source: 'assessment', whistleId: null, key: streamId }),
            },
          );
          await projectOwnEvents(em, newEvents);
          const [rated] = newEvents;
          return { ...(rated.data as StreetRatedData), eventId: rated.eventId, ratedAt: rated.occurredAt.toISOString() };
        });
      } catch (err) {
        if (err instanceof ConcurrencyError && attempt < 2) continue;
        if (err instanceof ConcurrencyError) throw ProblemException.conflict('评分正在被同时修改，请重试 / The rating was changed concurrently; retry');
        throw err;
      }
    }
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { cleanText, TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import { decideAppealDecision, parsePeriod, type Period } from '@chuishao/assessment-domain';
import { projectOwnEvents } from '../projection/own-events.projection';
import { districtTimeZone } from '../projection/district-time-zone';
import { scoringPolicyVersions } from '../policy/scoring-policy.repository';
import { amendClosedPeriods, periodsOfPoint } from '../scorecards/scorecard-versions';
import { appealResource, findAppeal, targetOwner } from './appeals.repository';
import { appeals } from './appeal-stream';
import { refusalProblem } from './appeal-refusal';
import type { DecideAppealRequestDto } from './appeal.request.dto';

/**
 * The assessment office decides an appeal (contract §11): AppealDecided on its stream. An upheld
 * appeal restores the point from the decision on; each closed period the point counts in gets an
 * amended, stored scorecard version in the same transaction (version 1, the scorecard at the
 * closing, is stored first the first time).
 */
@Injectable()
export class DecideAppealHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
  ) {}

  async handle(principal: Principal, appealId: string, dto: DecideAppealRequestDto, now = new Date()) {
    const streamId = `appeal-${appealId}`;
    try {
      const result = await this.dataSource.transaction(async (em) => {
        const { newEvents, newState } = await appeals(
          this.store,
          em,
          streamId,
          (state) => {
            const decided = decideAppealDecision(state, { decision: dto.decision, reason: cleanText(dto.reason) });
            if (!Array.isArray(decided)) throw refusalProblem(decided);
            return decided.map((e) => ({ ...e, occurredAt: now }));
          },
          {
            metadata: (read) => ({ correlationId: randomUUID(), causationId: read[0]?.eventId ?? null, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } }),
            streamType: 'appeal',
            companions: publishing({ topic: this.messaging.topic(TOPICS.assessmentEvents), source: 'assessment', whistleId: null, key: streamId }),
          },
        );
        await projectOwnEvents(em, newEvents);
        let amended: Array<{ period: string; version: number }> = [];
        const filed = newState.filed!;
        if (dto.decision === 'UPHOLD') {
          const owner = filed.target.kind === 'RATING' ? null : await targetOwner(em, filed.target);
          const periods = filed.target.kind === 'RATING' ? [parsePeriod(filed.period) as Period] : periodsOfPoint(filed.period, owner?.month ?? null);
          amended = await amendClosedPeriods(em, periods, now, appealId, { versions: (await scoringPolicyVersions(em)).versions, tz: districtTimeZone() });
        }
        return { ...appealResource((await findAppeal(em, appealId))!), amendedVersions: amended };
      });
      return result;
    } catch (err) {
      if (err instanceof ConcurrencyError) throw ProblemException.conflict('申诉正在被同时裁决，请刷新 / the appeal was decided concurrently; reload');
      throw err;
    }
  }
}

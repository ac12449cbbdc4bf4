import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import { type Queryable } from '@chuishao/postgres';
import { Messaging, publishing } from '@chuishao/messaging';
import { cleanText, TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import { decideFileAppeal, parsePeriod, policyFor, targetIdOf, withPolicyDefaults, type Explanation, type Period, type TargetFinding } from '@chuishao/assessment-domain';
import type { AppealTarget } from '@chuishao/assessment-contracts';
import { projectOwnEvents } from '../projection/own-events.projection';
import { districtTimeZone } from '../projection/district-time-zone';
import { closingOf, type Closing } from '../periods/closed-periods';
import { scoringPolicyVersions } from '../policy/scoring-policy.repository';
import { buildScorecard } from '../scorecards/scorecard.reader';
import { readStoredVersion } from '../scorecards/scorecard-versions';
import { appealResource, findAppeal, lockAppealTarget, pendingAppealOn, targetOwner } from './appeals.repository';
import { appeals } from './appeal-stream';
import { refusalProblem } from './appeal-refusal';
import type { FileAppealRequestDto } from './appeal.request.dto';

type Restorable = Explanation & { restoredOnAppeal?: string; ratingId?: string; deductionIndex?: number; feedbackId?: string };

/** Whether an explanation is the point a target names. */
function names(e: Restorable, target: AppealTarget): boolean {
  if (target.kind === 'DEADLINE') return e.component === 'completion' && (e.kind === 'LATE' || e.kind === 'MISSED') && e.assignmentId === target.assignmentId;
  if (target.kind === 'SATISFACTION') return e.component === 'satisfaction' && e.feedbackId === target.feedbackId;
  return e.component === 'perception' && e.ratingId === target.ratingId && (target.deductionIndex === undefined || e.deductionIndex === target.deductionIndex);
}

/**
 * A department appeals one of its lost points (考核申诉, contract §11): AppealFiled on
 * `appeal-<id>`, published on chuishao.assessment.events. The point must be on the department's
 * row of the period's scorecard as it stands (a closed period: its latest version), not yet
 * restored, with no other appeal pending on it; and the period must not have closed more than the
 * policy's appeal window ago (409).
 */
@Injectable()
export class FileAppealHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
  ) {}

  async handle(principal: Principal, dto: FileAppealRequestDto, now = new Date()) {
    const period = parsePeriod(dto.period) as Period;
    const departmentId = principal.org;
    if (!departmentId) throw ProblemException.forbidden('令牌缺少部门 / the token names no department');
    const target: AppealTarget = { kind: dto.target.kind, assignmentId: dto.target.assignmentId, ratingId: dto.target.ratingId, feedbackId: dto.target.feedbackId, deductionIndex: dto.target.deductionIndex };
    for (const k of Object.keys(target) as Array<keyof AppealTarget>) if (target[k] === undefined) delete target[k];
    const targetId = targetIdOf(target);
    if (typeof targetId !== 'string') throw refusalProblem(targetId);
    const tz = districtTimeZone();
    const appealId = randomUUID();
    const appeal = await this.dataSource.transaction(async (em) => {
      await lockAppealTarget(em, targetId);
      const closing = (await closingOf(em, period)) ?? null;
      const { versions } = await scoringPolicyVersions(em);
      const policy = withPolicyDefaults(policyFor(period, closing?.closedAt ?? now, versions, tz));
      const finding = await this.find(em, period, departmentId, target, targetId, closing, policy, tz, now);
      const streamId = `appeal-${appealId}`;
      const { newEvents } = await appeals(
        this.store,
        em,
        streamId,
        (state) => {
          const events = decideFileAppeal(state, {
            appealId,
            period: period.key,
            departmentId,
            target,
            reason: cleanText(dto.reason),
            evidence: (dto.evidence ?? []).map((e) => cleanText(e)),
            now,
            closedAt: closing?.closedAt ?? null,
            appealWindowDays: policy.appealWindowDays,
            finding,
          });
          if (!Array.isArray(events)) throw refusalProblem(events);
          return events.map((e) => ({ ...e, occurredAt: now }));
        },
        {
          metadata: { correlationId: randomUUID(), causationId: null, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } },
          streamType: 'appeal',
          companions: publishing({ topic: this.messaging.topic(TOPICS.assessmentEvents), source: 'assessment', whistleId: null, key: streamId }),
        },
      );
      await projectOwnEvents(em, newEvents);
      return findAppeal(em, appealId);
    });
    return appealResource(appeal!);
  }

  /** What the scorecard as it stands says about the target. */
  private async find(db: Queryable, period: Period, departmentId: string, target: AppealTarget, targetId: string, closing: Closing | null, policy: ReturnType<typeof withPolicyDefaults>, tz: string, now: Date): Promise<TargetFinding> {
    const owner = await targetOwner(db, target);
    if (owner && owner.departmentId !== departmentId) return { lostPoint: false, ownerDepartmentId: owner.departmentId, restoredBy: null, pendingAppealId: null };
    const stored = closing ? await readStoredVersion(db, period.key) : undefined;
    const card = stored ?? (await buildScorecard(db, period.key, undefined, { policy, tz, now, closing, explainDepartment: departmentId }));
    const row = card.rows.find((r) => r.departmentId === departmentId);
    const matching = (row?.explanations ?? []).filter((e) => names(e as Restorable, target)) as Restorable[];
    const lost = matching.filter((e) => !e.restoredOnAppeal && e.pointsLost > 0);
    const restored = matching.find((e) => e.restoredOnAppeal);
    return {
      lostPoint: lost.length > 0,
      ownerDepartmentId: owner?.departmentId ?? null,
      restoredBy: lost.length === 0 && restored ? (restored.restoredOnAppeal as string) : null,
      pendingAppealId: await pendingAppealOn(db, departmentId, targetId, target.deductionIndex),
    };
  }
}

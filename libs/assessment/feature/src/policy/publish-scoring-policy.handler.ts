import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandHandler, ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { nextVersion, ProblemException } from '@chuishao/platform';
import { SCORING_POLICY_V1, validateScoringPolicy, type ScoringPolicy } from '@chuishao/assessment-domain';
import type { ScoringPolicyPublishedData } from '@chuishao/assessment-contracts';
import { districtTimeZone } from '../projection/district-time-zone';
import { SCORING_POLICY_STREAM } from './scoring-policy.repository';

export interface PublishedScoringPolicy extends ScoringPolicy {
  publishedAt: string;
}

/**
 * Publishes the next version of the scoring policy (contract §12): validated by the domain (422
 * with field errors, nothing appended), numbered previous + 1 (a stated `version` that is not →
 * 409), appended as ScoringPolicyPublished to `policy-assessment` with the expected stream version
 * (a concurrent publication → 409) and put on chuishao.assessment.events through the outbox in
 * the same transaction.
 */
/** The scoring policy stream: the number of the last version (v1 is built in, never published). */
const policyStream = CommandHandler<number, { type: 'ScoringPolicyPublished'; data: ScoringPolicyPublishedData }>({
  initialState: () => SCORING_POLICY_V1.version,
  evolve: (_, e) => e.data.version,
});

@Injectable()
export class PublishScoringPolicyHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
  ) {}

  async handle(principal: Principal, body: Record<string, unknown>, now = new Date()): Promise<PublishedScoringPolicy> {
    const checked = validateScoringPolicy(body, now, districtTimeZone());
    if (!checked.ok) throw ProblemException.validation('考核评分办法无效 / The scoring policy is not valid', checked.errors);
    try {
      return await this.dataSource.transaction(async (em) => {
        const { newEvents } = await policyStream(
          this.store,
          em,
          SCORING_POLICY_STREAM,
          (previous) => [
            { type: 'ScoringPolicyPublished', data: { version: nextVersion(previous, body.version), ...checked.policy } as ScoringPolicyPublishedData, occurredAt: now },
          ],
          {
            metadata: { correlationId: randomUUID(), causationId: null, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } },
            streamType: 'policy',
            companions: publishing({ topic: this.messaging.topic(TOPICS.assessmentEvents), source: 'assessment', whistleId: null, key: SCORING_POLICY_STREAM }),
          },
        );
        const [published] = newEvents;
        return { ...(published.data as ScoringPolicy), publishedAt: published.occurredAt.toISOString() };
      });
    } catch (err) {
      if (err instanceof ConcurrencyError) throw ProblemException.conflict('另一版本刚刚发布，请刷新后重试 / another version was published concurrently; reload and retry');
      throw err;
    }
  }
}

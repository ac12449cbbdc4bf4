import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandHandler, ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { nextVersion, ProblemException } from '@chuishao/platform';
import type { TriagePolicyPublishedData } from '@chuishao/triage-contracts';
import { BUILT_IN_POLICY, validatePolicy, type PolicyVersion } from '@chuishao/triage-domain';
import { POLICY_STREAM } from './policy.repository';
import type { PublishTriagePolicyRequestDto } from './publish-triage-policy.request.dto';

/**
 * Publishes the next version of the triage policy: validated (422, nothing appended), numbered
 * previous + 1 (a stated `version` that is not → 409), appended to `policy-triage` with the
 * expected stream version (a concurrent publication → 409) and put on TOPICS.policyEvents (key
 * 'triage') through the outbox in the same transaction. It applies to whistles blown from its
 * publishedAt on.
 */
/** The policy stream: the number of the last version (v1 is built in, never published). */
const policyStream = CommandHandler<number, { type: 'TriagePolicyPublished'; data: TriagePolicyPublishedData }>({
  initialState: () => BUILT_IN_POLICY.policy.version,
  evolve: (_, e) => e.data.version,
});

@Injectable()
export class PublishTriagePolicyHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
  ) {}

  async handle(principal: Principal, dto: PublishTriagePolicyRequestDto): Promise<PolicyVersion> {
    const checked = validatePolicy({ sla: dto.sla, rules: dto.rules });
    if (!checked.ok) throw ProblemException.validation('分级策略无效 / The triage policy is not valid', checked.errors);
    try {
      return await this.dataSource.transaction(async (em) => {
        const actor = { role: principal.role, org: principal.org ?? null, sub: principal.sub };
        const { newEvents } = await policyStream(
          this.store,
          em,
          POLICY_STREAM,
          (previous) => [{ type: 'TriagePolicyPublished', data: { version: nextVersion(previous, dto.version), sla: checked.sla, rules: checked.rules } }],
          {
            metadata: { correlationId: randomUUID(), causationId: null, actor },
            companions: publishing({ topic: this.messaging.topic(TOPICS.policyEvents), source: 'triage', whistleId: null, key: 'triage' }),
          },
        );
        const [published] = newEvents;
        const data = published.data as TriagePolicyPublishedData;
        return { policy: { version: data.version, sla: data.sla, rules: data.rules }, publishedAt: published.occurredAt, publishedBy: actor };
      });
    } catch (err) {
      if (err instanceof ConcurrencyError) {
        throw ProblemException.conflict('另一版本刚刚发布，请刷新后重试 / another version was published concurrently; reload and retry');
      }
      throw err;
    }
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import type { TriagePolicyPublishedData } from '@chuishao/triage-contracts';
import { validatePolicy, type PolicyVersion } from '@chuishao/triage-domain';
import { POLICY_STREAM, PolicyRepository } from './policy.repository';
import type { PublishTriagePolicyRequestDto } from './publish-triage-policy.request.dto';

/**
 * Publishes the next version of the triage policy: validated (422, nothing appended), numbered
 * previous + 1 (a stated `version` that is not → 409), appended to `policy-triage` with the
 * expected stream version (a concurrent publication → 409) and put on TOPICS.policyEvents (key
 * 'triage') through the outbox in the same transaction. It applies to whistles blown from its
 * publishedAt on.
 */
@Injectable()
export class PublishTriagePolicyHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly policies: PolicyRepository,
  ) {}

  async handle(principal: Principal, dto: PublishTriagePolicyRequestDto): Promise<PolicyVersion> {
    const checked = validatePolicy({ sla: dto.sla, rules: dto.rules });
    if (!checked.ok) throw ProblemException.validation('分级策略无效 / The triage policy is not valid', checked.errors);
    try {
      return await this.dataSource.transaction(async (em) => {
        const history = await this.policies.history(em);
        const previous = history.versions[history.versions.length - 1].policy.version;
        const next = previous + 1;
        if (dto.version !== undefined && dto.version !== next) {
          throw ProblemException.conflict(
            `当前策略为第 ${previous} 版，只能发布第 ${next} 版 / the policy in force is v${previous}: only v${next} can be published`,
            [{ field: 'version', message: `must be ${next}` }],
          );
        }
        const data: TriagePolicyPublishedData = { version: next, sla: checked.sla, rules: checked.rules };
        const actor = { role: principal.role, org: principal.org ?? null, sub: principal.sub };
        const stored = await this.store.append(em, POLICY_STREAM, history.streamVersion, [{ type: 'TriagePolicyPublished', data }], {
          correlationId: randomUUID(),
          causationId: null,
          actor,
        }, undefined, publishing({ topic: this.messaging.topic(TOPICS.policyEvents), source: 'triage', whistleId: null, key: 'triage' }));
        return { policy: { version: next, sla: data.sla, rules: data.rules }, publishedAt: stored[0].occurredAt, publishedBy: actor };
      });
    } catch (err) {
      if (err instanceof ConcurrencyError) {
        throw ProblemException.conflict('另一版本刚刚发布，请刷新后重试 / another version was published concurrently; reload and retry');
      }
      throw err;
    }
  }
}

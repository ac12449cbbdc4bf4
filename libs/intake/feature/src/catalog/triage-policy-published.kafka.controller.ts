import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { TOPICS } from '@chuishao/contracts';
import { envelopeOrReject, PARK_PERMANENT_FAILURES, KafkaEventContext, processOnce, RejectMessage } from '@chuishao/messaging';
import type { TriagePolicyPublishedData } from '@chuishao/triage-contracts';
import { policyProblem, TriagePolicyRepository } from './triage-policy.repository';

const TRIAGE_POLICY_CONSUMER = 'intake-triage-policy';

/**
 * Keeps the SLA of each published triage policy (intake cannot read triage's database), so that
 * the catalog shows the levels with the SLA in force. Other policy-topic events are ignored.
 */
@Controller()
export class TriagePolicyPublishedKafkaController {
  private readonly log = new Logger(TriagePolicyPublishedKafkaController.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: TriagePolicyRepository,
  ) {}

  @EventPattern(TOPICS.policyEvents, PARK_PERMANENT_FAILURES)
  async onPolicyEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const env = envelopeOrReject(payload);
    if (env.type !== 'TriagePolicyPublished') return;
    const bad = policyProblem(env.data);
    if (bad) throw new RejectMessage(`TriagePolicyPublished: ${bad}`);
    const data = env.data as TriagePolicyPublishedData;
    const outcome = await processOnce(this.dataSource, TRIAGE_POLICY_CONSUMER, env.eventId, (em) =>
      this.policies.record(em, { version: data.version, sla: data.sla, eventId: env.eventId, publishedAt: env.occurredAt }),
      ctx,
    );
    if (outcome === 'processed') this.log.log(`triage policy v${data.version} recorded for the catalog`);
  }
}

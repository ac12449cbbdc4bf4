import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { TOPICS } from '@chuishao/contracts';
import { envelopeOrReject, PARK_PERMANENT_FAILURES, KafkaEventContext, processOnce, RejectMessage } from '@chuishao/messaging';
import type { ScoringPolicyPublishedData } from '@chuishao/assessment-contracts';
import { ScoringPolicyCaps, scoringPolicyProblem } from './scoring-policy-caps';

const DISPATCH_SCORING_POLICY_CONSUMER = 'dispatch-scoring-policy';

/**
 * Keeps the extension cap of each scoring policy version assessment publishes (contract §11/§12;
 * dispatch cannot read assessment's database). Other assessment events are ignored. Read by
 * dispatch's `events` consumer (group `chuishao-dispatch-events`): a single-partition topic that
 * carries a few messages a year adds one partition to that consumer's fetches, where a group of its
 * own would add a membership, heartbeat and idle long-poll (ADR 0016 split off the replies only for
 * their 63 partitions); the `replies` group is for the departments' topics, whose lag it measures.
 */
@Controller()
export class AssessmentEventsKafkaController {
  private readonly log = new Logger(AssessmentEventsKafkaController.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly caps: ScoringPolicyCaps,
  ) {}

  @EventPattern(TOPICS.assessmentEvents, PARK_PERMANENT_FAILURES)
  async onAssessmentEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const env = envelopeOrReject(payload);
    if (env.type !== 'ScoringPolicyPublished') return;
    const bad = scoringPolicyProblem(env.data);
    if (bad) throw new RejectMessage(`ScoringPolicyPublished: ${bad}`);
    if (Number.isNaN(Date.parse(env.occurredAt))) throw new RejectMessage('envelope field occurredAt must be a date-time');
    const data = env.data as ScoringPolicyPublishedData;
    let recorded = false;
    const outcome = await processOnce(
      this.dataSource,
      DISPATCH_SCORING_POLICY_CONSUMER,
      env.eventId,
      async (em) => {
        recorded = await this.caps.record(em, { version: data.version, effectiveFrom: data.effectiveFrom, extensionCap: data.extensionCap, publishedAt: env.occurredAt, eventId: env.eventId });
      },
      ctx,
    );
    if (outcome === 'processed' && recorded) this.log.log(`scoring policy v${data.version}: extension cap ${data.extensionCap} from ${data.effectiveFrom}`);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { envelopeOrReject, PARK_PERMANENT_FAILURES, KafkaEventContext, processOnceAtBatchEnd, RejectMessage } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import { PROJECTED_TYPES, projectWhistleEvents } from './assessment-projection';
import { districtTimeZone } from './district-time-zone';
import { projectionProblem } from './event-shape';

const WHISTLE_EVENTS_CONSUMER = 'assessment-whistle-events';

/**
 * Keeps the facts the scorecards and the analysis are computed from, event by event: the
 * projection's writes, the copy in assessment_inbox_log and the inbox row commit together.
 */
@Controller()
export class AssessmentWhistleEventsKafkaController {
  private readonly tz = districtTimeZone();

  constructor(private readonly dataSource: DataSource) {}

  @EventPattern(TOPICS.whistleEvents, PARK_PERMANENT_FAILURES)
  async onWhistleEvent(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const env = envelopeOrReject(payload);
    if (!PROJECTED_TYPES.has(env.type)) return;
    const shape = projectionProblem(env);
    if (shape) throw new RejectMessage(`${env.type}: ${shape}`);
    // Inside a consumer batch the events (and their inbox rows) are written together just before it commits.
    await processOnceAtBatchEnd(this.dataSource, WHISTLE_EVENTS_CONSUMER, env.eventId, env, async (db, events) => void (await projectWhistleEvents(db, events, { tz: this.tz, log: true })), ctx);
  }
}

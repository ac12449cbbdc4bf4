import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { TOPICS } from '@chuishao/contracts';
import { KafkaEventContext, processOnce, RejectMessage, type StuckNotice } from '@chuishao/messaging';
import { StuckWhistlesRepository } from './stuck-whistles.repository';

const STUCK_NOTICES_CONSUMER = 'intake-whistle-stuck';

/** The first way a value breaks the stuck notice's shape, or undefined. */
function stuckNoticeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'notice is not a JSON object';
  const n = value as Record<string, unknown>;
  for (const field of ['key', 'service', 'consumer', 'since'] as const) if (typeof n[field] !== 'string') return `${field} must be a string`;
  if (n.state !== 'STUCK' && n.state !== 'CLEARED') return 'state must be STUCK or CLEARED';
  if (n.state === 'STUCK' && typeof n.reason !== 'string') return 'reason must be a string';
  if (Number.isNaN(Date.parse(n.since as string))) return 'since must be a date-time';
  return undefined;
}

/**
 * Keeps which whistles are stuck, and why, from what every service's consumers park and clear
 * (contract §10): `GET /api/v1/whistles/{id}` shows them as `stuck`, the board counts them.
 */
@Controller()
export class StuckNoticesKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stuck: StuckWhistlesRepository,
  ) {}

  @EventPattern(TOPICS.stuck)
  async onNotice(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const problem = stuckNoticeProblem(payload);
    if (problem) throw new RejectMessage(problem);
    const n = payload as StuckNotice;
    await processOnce(
      this.dataSource,
      STUCK_NOTICES_CONSUMER,
      `${ctx.partition}:${ctx.message.offset}`,
      async (em) => {
        if (n.state === 'CLEARED') {
          await this.stuck.clear(em, n.key, n.consumer);
          return;
        }
        await this.stuck.record(em, n);
      },
      ctx,
    );
  }
}

import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { currentManager, KafkaEventContext, processOnce, RejectMessage } from '@chuishao/messaging';
import { defaultCatalog } from '@chuishao/catalog';
import { DispatchRefusal, replyKey } from '@chuishao/dispatch-domain';
import { ApplyReplyHandler } from './apply-reply.handler';
import { parseReply } from './reply-message.schema';
import { ReplyReceipts } from './reply-receipts';

export const DISPATCH_REPLIES_CONSUMER = 'dispatch-replies';

/** The departments' reply topics, as the handler's @EventPattern (one topic-name segment per department). */
export const DEPARTMENT_REPLIES_PATTERN = 'chuishao.dept.*.replies';

/**
 * The purpose of dispatch's consumer of the replies (consumer group `chuishao-dispatch-replies`):
 * a group of their own, so that the whistle topic's consumer, on the critical path, fetches its own
 * partitions only (ADR 0016).
 */
export const REPLIES_CONSUMER_PURPOSE = 'replies';

const DEPARTMENT_FROM_TOPIC = /(?:^|\.)chuishao\.dept\.([^.]+)\.replies$/;

/** The department a replies topic belongs to (the prefix of a test or staging stack is allowed in front). */
export function departmentOfTopic(topic: string): string | undefined {
  return DEPARTMENT_FROM_TOPIC.exec(topic)?.[1];
}

/**
 * Department replies over Kafka (contract §4): `chuishao.dept.<departmentId>.replies`. The
 * department is the TOPIC's — broker ACLs bind a department's credentials to its own topics — never
 * the body's. Each reply is validated, then applied at most once per (department, replyId) through
 * the decider. Every refusal (malformed JSON, schema violation, unknown or another department's
 * assignment, illegal order, closed whistle) goes to `<topic>.rejected` with the original message
 * and a reason, and the consumer goes on. `by.name` is personal data: kept in the event's data,
 * never in the actor, never logged.
 */
@Controller()
export class DepartmentRepliesKafkaController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applyReply: ApplyReplyHandler,
    private readonly receipts: ReplyReceipts,
  ) {}

  @EventPattern(DEPARTMENT_REPLIES_PATTERN)
  async onReply(@Payload() payload: unknown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const departmentId = departmentOfTopic(ctx.topic);
    if (!departmentId || !defaultCatalog().department(departmentId)) throw new RejectMessage('unknown department topic');
    if (typeof payload === 'string') {
      throw new RejectMessage(isJson(payload) ? 'message is not a JSON object' : 'malformed JSON');
    }
    const parsed = parseReply(payload);
    if (parsed.problem !== undefined) throw new RejectMessage(`schema violation: ${parsed.problem}`);
    const reply = parsed.reply;
    const receivedAt = this.receipts.receivedAt(ctx.message.timestamp);
    const correlation = ctx.message.headers?.['correlation-id']?.toString();
    try {
      const outcome = await processOnce(this.dataSource, DISPATCH_REPLIES_CONSUMER, replyKey(departmentId, reply.replyId), (em) =>
        this.applyReply
          .handle(
            em,
            { ...reply, departmentId, receivedAt, channel: 'kafka' },
            { role: 'department', org: departmentId, sub: 'dept-reply' },
            correlation && /^[\w.:-]{1,128}$/.test(correlation) ? correlation : randomUUID(),
          )
          .then(() => undefined),
        ctx,
      );
      if (outcome === 'duplicate') await this.applyReply.assertReplay(currentManager(this.dataSource, ctx), { ...reply, departmentId });
    } catch (err) {
      if (err instanceof DispatchRefusal) throw new RejectMessage(err.reason, { code: err.code });
      throw err;
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

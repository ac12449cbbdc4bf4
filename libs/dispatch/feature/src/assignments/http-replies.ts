import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canActOnAssignment, type Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import { processOnce } from '@chuishao/messaging';
import type { ReplyType } from '@chuishao/dispatch-contracts';
import { replyKey, type ReplyCommandData } from '@chuishao/dispatch-domain';
import { ApplyReplyHandler } from '../replies/apply-reply.handler';
import { DISPATCH_REPLIES_CONSUMER } from '../replies/department-replies.kafka.controller';
import { AssignmentRepository, type AssignmentResource } from './assignment.repository';
import { refusalProblem } from './refusal-problem';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** The fields of a reply over HTTP (the body of report|arrive|progress|dispute|complete|extension). */
export interface HttpReplyFields {
  replyId?: string;
  type?: string;
  assignmentId?: string;
  at?: string;
  by?: { name?: string };
  note?: string;
  result?: string;
  extension?: ReplyCommandData['extension'];
}

/**
 * A department's reply over HTTP (contract §4, §11): the same command as a reply on its topic,
 * applied at most once per (department, replyId) — the body's replyId, else the Idempotency-Key
 * header, else a new one. Refusals are RFC 9457 problems.
 */
@Injectable()
export class HttpReplies {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assignments: AssignmentRepository,
    private readonly applyReply: ApplyReplyHandler,
  ) {}

  async submit(
    principal: Principal,
    id: string,
    type: ReplyType,
    dto: HttpReplyFields,
    idempotencyKey: string | undefined,
  ): Promise<{ assignment: AssignmentResource; departmentId: string; replyId: string }> {
    const errors: Array<{ field: string; message: string }> = [];
    if (dto.type && dto.type !== type) errors.push({ field: 'type', message: `must be ${type} on this path` });
    if (dto.assignmentId && dto.assignmentId.toLowerCase() !== id.toLowerCase()) errors.push({ field: 'assignmentId', message: 'must be the assignment of the path' });
    if (idempotencyKey !== undefined && !dto.replyId && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      errors.push({ field: 'Idempotency-Key', message: '1-128 printable ASCII characters without spaces' });
    }
    if (errors.length) throw ProblemException.validation('请求参数无效 / The reply is not valid', errors);
    const a = await this.assignments.find(this.dataSource, id);
    if (!a) throw ProblemException.notFound(`派单不存在 / No assignment ${id}`);
    if (!canActOnAssignment(principal, a)) throw ProblemException.forbidden('该派单不属于本部门 / Only the assigned department may act on this assignment');
    const departmentId = principal.org as string;
    const replyId = dto.replyId ?? idempotencyKey ?? randomUUID();
    try {
      const outcome = await processOnce(this.dataSource, DISPATCH_REPLIES_CONSUMER, replyKey(departmentId, replyId), async (em) => {
        await this.applyReply.handle(
          em,
          {
            replyId,
            assignmentId: id,
            departmentId,
            type,
            at: dto.at ?? null,
            by: dto.by?.name?.trim() ? { name: dto.by.name.trim() } : null,
            note: dto.note ?? null,
            result: dto.result ?? null,
            receivedAt: new Date().toISOString(),
            channel: 'http',
            extension: dto.extension ?? null,
          },
          { role: 'department', org: departmentId, sub: principal.sub },
          randomUUID(),
        );
      });
      if (outcome === 'duplicate') await this.applyReply.assertReplay(this.dataSource, { departmentId, replyId, type, assignmentId: id });
    } catch (err) {
      throw refusalProblem(err);
    }
    return { assignment: (await this.assignments.find(this.dataSource, id)) as AssignmentResource, departmentId, replyId };
  }
}

import type { Actor } from '@chuishao/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decide, DispatchRefusal, replyEventType, type AssignmentState, type ReplyCommandData } from '@chuishao/dispatch-domain';
import { counter } from '@chuishao/platform';
import { DispatchStreams } from '../whistle/dispatch-streams';
import { ScoringPolicyCaps } from '../scoring-policy/scoring-policy-caps';
import { AssignmentRepository } from '../assignments/assignment.repository';
import { RepliesRepository } from './replies.repository';
import type { Queryable } from '@chuishao/postgres';

const repliesTotal = counter('chuishao_dispatch_replies_total', 'Department replies by channel, type and outcome', ['channel', 'type', 'outcome']);

export interface AppliedReply {
  whistleId: string;
  assignment: AssignmentState;
  applied: boolean;
}

/**
 * Applies one department reply (Kafka or HTTP) through the decider: finds the assignment's
 * whistle, then the command handler: locks and reads dispatch's stream, decides, appends with the
 * expected version and writes the outbox — in the caller's transaction (which also holds the inbox row of the reply).
 * An EXTENSION is decided with the cap in force for its assignment (the scoring policy version in
 * force at the start of its summons' month, default 2). A refusal throws DispatchRefusal and
 * nothing is written.
 */
@Injectable()
export class ApplyReplyHandler {
  constructor(
    private readonly streams: DispatchStreams,
    private readonly caps: ScoringPolicyCaps,
    private readonly assignments: AssignmentRepository,
    private readonly replies: RepliesRepository,
  ) {}

  async handle(em: EntityManager, reply: ReplyCommandData, actor: Actor, correlationId: string): Promise<AppliedReply> {
    try {
      const whistleId = await this.assignments.whistleOf(em, reply.assignmentId);
      if (whistleId === undefined) throw new DispatchRefusal('not-found', 'UNKNOWN_ASSIGNMENT', `unknown assignment ${reply.assignmentId}`);
      const { state, events } = await this.streams.handle(
        em,
        whistleId,
        async (current) => {
          const summoned = reply.type === 'EXTENSION' ? current.assignments.find((a) => a.id === reply.assignmentId) : undefined;
          const extensionCap = summoned ? await this.caps.capOf(em, summoned.summonedAt) : undefined;
          return decide({ type: 'ApplyReply', reply, extensionCap }, current);
        },
        { correlationId, causationId: null, actor },
      );
      repliesTotal.inc({ channel: reply.channel, type: reply.type, outcome: events.length ? 'applied' : 'replay' });
      return { whistleId, assignment: state.assignments.find((a) => a.id === reply.assignmentId) as AssignmentState, applied: events.length > 0 };
    } catch (err) {
      if (err instanceof DispatchRefusal) repliesTotal.inc({ channel: reply.channel, type: reply.type, outcome: 'refused' });
      throw err;
    }
  }

  /**
   * After the inbox reported a duplicate: a replay of the same reply is fine (nothing to do), but a
   * replyId reused for another reply (another type or assignment) is refused, so that the
   * department learns its second reply was not applied.
   */
  async assertReplay(db: Queryable, reply: Pick<ReplyCommandData, 'departmentId' | 'replyId' | 'type' | 'assignmentId'>): Promise<void> {
    const prior = await this.replies.priorUse(db, reply.replyId, reply.departmentId);
    if (prior && (prior.type !== replyEventType(reply.type) || prior.assignmentId !== reply.assignmentId)) {
      throw new DispatchRefusal('conflict', 'REPLY_ID_REUSED', `replyId ${reply.replyId} was already used for ${prior.type} of assignment ${prior.assignmentId}`);
    }
  }
}

import type { Actor } from '@chuishao/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decide, DispatchRefusal, replyEventType, type AssignmentState, type ReplyCommandData } from '@chuishao/dispatch-domain';
import { counter } from '@chuishao/platform';
import { DispatchStreams } from '../whistle/dispatch-streams';
import { ScoringPolicyCaps } from '../scoring-policy/scoring-policy-caps';

const replies = counter('chuishao_dispatch_replies_total', 'Department replies by channel, type and outcome', ['channel', 'type', 'outcome']);

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
  ) {}

  async handle(em: EntityManager, reply: ReplyCommandData, actor: Actor, correlationId: string): Promise<AppliedReply> {
    try {
      const rows: Array<{ whistle_id: string }> = await em.query(`SELECT whistle_id FROM assignments WHERE id = $1`, [reply.assignmentId]);
      if (rows.length === 0) throw new DispatchRefusal('not-found', 'UNKNOWN_ASSIGNMENT', `unknown assignment ${reply.assignmentId}`);
      const whistleId = rows[0].whistle_id;
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
      replies.inc({ channel: reply.channel, type: reply.type, outcome: events.length ? 'applied' : 'replay' });
      return { whistleId, assignment: state.assignments.find((a) => a.id === reply.assignmentId) as AssignmentState, applied: events.length > 0 };
    } catch (err) {
      if (err instanceof DispatchRefusal) replies.inc({ channel: reply.channel, type: reply.type, outcome: 'refused' });
      throw err;
    }
  }

  /**
   * After the inbox reported a duplicate: a replay of the same reply is fine (nothing to do), but a
   * replyId reused for another reply (another type or assignment) is refused, so that the
   * department learns its second reply was not applied.
   */
  async assertReplay(db: Pick<EntityManager, 'query'>, reply: Pick<ReplyCommandData, 'departmentId' | 'replyId' | 'type' | 'assignmentId'>): Promise<void> {
    const [prior]: Array<{ type: string; assignment_id: string }> = await db.query(
      `SELECT type, data->>'assignmentId' AS assignment_id FROM events
        WHERE data ? 'replyId' AND data->>'replyId' = $1 AND data->>'departmentId' = $2 LIMIT 1`,
      [reply.replyId, reply.departmentId],
    );
    if (prior && (prior.type !== replyEventType(reply.type) || prior.assignment_id !== reply.assignmentId)) {
      throw new DispatchRefusal('conflict', 'REPLY_ID_REUSED', `replyId ${reply.replyId} was already used for ${prior.type} of assignment ${prior.assignment_id}`);
    }
  }
}

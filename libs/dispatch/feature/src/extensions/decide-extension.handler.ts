import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '@chuishao/auth';
import { decide } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';
import { ScoringPolicyCaps } from '../scoring-policy/scoring-policy-caps';

/**
 * 延期审批: the command center approves or denies a department's extension request. Reads the
 * whistle's stream (locked; the command handler), decides, appends ExtensionDecided with the outbox (the department's
 * EXTENSION_DECIDED message) and, on an approval in time, moves the pending deadline row — one
 * transaction, like a rejected dispute's moved deadlines. An approval is checked against the cap in
 * force for the assignment (the scoring policy version in force at the start of its summons' month).
 */
@Injectable()
export class DecideExtensionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly streams: DispatchStreams,
    private readonly caps: ScoringPolicyCaps,
  ) {}

  async handle(principal: Principal, whistleId: string, assignmentId: string, body: { requestId: string; decision: 'APPROVE' | 'DENY'; reason: string }): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const actor = { role: principal.role, org: principal.org ?? null, sub: principal.sub };
      await this.streams.handle(
        em,
        whistleId,
        async (state) => {
          const assignment = state.assignments.find((a) => a.id === assignmentId);
          const cap = assignment && body.decision === 'APPROVE' ? await this.caps.capOf(em, assignment.summonedAt) : undefined;
          return decide({ type: 'DecideExtension', assignmentId, requestId: body.requestId, decision: body.decision, reason: body.reason, now: new Date().toISOString(), cap }, state);
        },
        { correlationId: randomUUID(), causationId: null, actor },
      );
    });
  }
}

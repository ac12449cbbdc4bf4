import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '@chuishao/auth';
import { decide } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';

/**
 * 退单处理: the command center upholds or rejects a department's dispute. Upholding the LEAD's
 * dispute reassigns the lead: a new LEAD assignment for `reassignTo` with fresh deadlines from now
 * under the whistle's level SLA, published to that department's assignments topic.
 */
@Injectable()
export class ResolveDisputeHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly streams: DispatchStreams,
  ) {}

  async handle(
    principal: Principal,
    whistleId: string,
    assignmentId: string,
    body: { decision: 'UPHOLD' | 'REJECT'; reason: string; reassignTo?: string },
  ): Promise<{ reassignedTo: string | null }> {
    return this.dataSource.transaction(async (em) => {
      const newAssignmentId = randomUUID();
      const command = { type: 'ResolveDispute', assignmentId, decision: body.decision, reason: body.reason, reassignTo: body.reassignTo ?? null, newAssignmentId, now: new Date().toISOString() } as const;
      const { events } = await this.streams.handle(em, whistleId, (state) => decide(command, state), {
        correlationId: randomUUID(),
        causationId: null,
        actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub },
      });
      const resolved = events.find((e) => e.type === 'DisputeResolved');
      return { reassignedTo: resolved?.type === 'DisputeResolved' && resolved.data.reassignedTo ? newAssignmentId : null };
    });
  }
}

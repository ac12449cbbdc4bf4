import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '@chuishao/auth';
import { DEFAULT_EXTENSION_CAP } from '@chuishao/dispatch-contracts';
import { decide } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';

/**
 * 延期审批: the command center approves or denies a department's extension request. Reads the
 * whistle's stream (locked), decides, appends ExtensionDecided with the outbox (the department's
 * EXTENSION_DECIDED message) and, on an approval in time, moves the pending deadline row — one
 * transaction, like a rejected dispute's moved deadlines.
 */
@Injectable()
export class DecideExtensionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly streams: DispatchStreams,
  ) {}

  async handle(principal: Principal, whistleId: string, assignmentId: string, body: { requestId: string; decision: 'APPROVE' | 'DENY'; reason: string }): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const loaded = await this.streams.load(em, whistleId);
      const events = decide(
        { type: 'DecideExtension', assignmentId, requestId: body.requestId, decision: body.decision, reason: body.reason, now: new Date().toISOString(), cap: DEFAULT_EXTENSION_CAP },
        loaded.state,
      );
      await this.streams.commit(em, loaded, events, {
        correlationId: randomUUID(),
        causationId: null,
        actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub },
      });
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore } from '@chuishao/event-store';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import {
  decideOverride,
  DEFAULT_TRIAGE_POLICY,
  evolveTriaged,
  OverrideRefused,
  untriaged,
  type TriagedWhistle,
  type TriageStreamEvent,
} from '@chuishao/triage-domain';
import { PolicyRepository } from '../policy/policy.repository';
import type { OverrideTriageRequestDto, OverrideTriageResponse } from './override-triage.request.dto';

/**
 * The command center re-grades a whistle: TriageOverridden {from, to, reason, policyVersion, sla
 * of the new level under the whistle's own policy version} on triage's `whistle-<id>` stream and
 * TOPICS.whistleEvents (outbox, same transaction). Dispatch recomputes open deadlines from it.
 */
@Injectable()
export class OverrideTriageHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly policies: PolicyRepository,
  ) {}

  async handle(principal: Principal, whistleId: string, dto: OverrideTriageRequestDto): Promise<OverrideTriageResponse> {
    const streamId = `whistle-${whistleId}`;
    try {
      return await this.dataSource.transaction(async (em) => {
        // Lock the stream first: a closure being recorded (WhistleConfirmed/Withdrawn) waits or is seen.
        const [row]: Array<{ version: string }> = await em.query(`SELECT version FROM streams WHERE stream_id = $1 FOR UPDATE`, [streamId]);
        let state: TriagedWhistle = untriaged(whistleId);
        let expected = 0;
        if (row) {
          const stream = await this.store.readStream(em, streamId);
          expected = stream.version;
          state = stream.events.map((e) => ({ type: e.type, data: e.data }) as TriageStreamEvent).reduce(evolveTriaged, state);
          const [closure]: Array<{ status: 'RESOLVED' | 'WITHDRAWN' }> = await em.query(`SELECT status FROM whistle_closures WHERE whistle_id = $1`, [whistleId]);
          state = { ...state, closed: closure?.status ?? null };
        }
        const policy = state.policyVersion === null ? undefined : await this.policies.byVersion(em, state.policyVersion);
        if (state.policyVersion !== null && !policy) throw new Error(`triage policy v${state.policyVersion} of whistle ${whistleId} is missing`);
        const data = decideOverride(state, { level: dto.level, reason: dto.reason }, (policy?.policy ?? DEFAULT_TRIAGE_POLICY).sla);
        await this.store.append(em, streamId, expected, [{ type: 'TriageOverridden', data }], {
          correlationId: randomUUID(),
          causationId: null,
          actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub },
        }, undefined, publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'triage', whistleId }));
        return { whistleId, level: data.to, from: data.from, reason: data.reason, policyVersion: data.policyVersion };
      });
    } catch (err) {
      if (err instanceof OverrideRefused) {
        if (err.kind === 'invalid') throw ProblemException.validation(err.message, err.field ? [{ field: err.field, message: err.message }] : undefined);
        if (err.kind === 'not-found') throw ProblemException.notFound(err.message);
        throw ProblemException.conflict(err.message, err.field ? [{ field: err.field, message: err.message }] : undefined);
      }
      if (err instanceof ConcurrencyError) throw ProblemException.conflict('哨件分级刚被改动，请刷新后重试 / the triage changed concurrently; reload and retry');
      throw err;
    }
  }
}

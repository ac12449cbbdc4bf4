import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandHandler, ConcurrencyError, EventStore } from '@chuishao/event-store';
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
import type { TriageOverriddenData } from '@chuishao/triage-contracts';
import { PolicyRepository } from '../policy/policy.repository';
import { WhistleClosures } from './whistle-closures.repository';
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
    private readonly closures: WhistleClosures,
  ) {}

  async handle(principal: Principal, whistleId: string, dto: OverrideTriageRequestDto): Promise<OverrideTriageResponse> {
    const streamId = `whistle-${whistleId}`;
    try {
      // the whistle's triage stream folded: its level and policy version
      const overrides = CommandHandler<TriagedWhistle, TriageStreamEvent>({ initialState: () => untriaged(whistleId), evolve: evolveTriaged });
      return await this.dataSource.transaction(async (em) => {
        const { newEvents } = await overrides(
          this.store,
          em,
          streamId,
          async (triaged) => {
            const state = { ...triaged, closed: await this.closures.closedAs(em, whistleId) };
            const policy = state.policyVersion === null ? undefined : await this.policies.byVersion(em, state.policyVersion);
            if (state.policyVersion !== null && !policy) throw new Error(`triage policy v${state.policyVersion} of whistle ${whistleId} is missing`);
            return [{ type: 'TriageOverridden', data: decideOverride(state, { level: dto.level, reason: dto.reason }, (policy?.policy ?? DEFAULT_TRIAGE_POLICY).sla) }];
          },
          {
            // the closure of the whistle is recorded under the stream's lock: it waits, or is seen
            lock: true,
            metadata: { correlationId: randomUUID(), causationId: null, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } },
            companions: publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'triage', whistleId }),
          },
        );
        const data = newEvents[0].data as TriageOverriddenData;
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

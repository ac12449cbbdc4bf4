import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RejectMessage, type Envelope } from '@chuishao/messaging';
import { systemActor } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import type { DepartmentsSummonedData } from '@chuishao/dispatch-contracts';
import { deadlinesFrom, route } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';

/**
 * WhistleTriaged → DepartmentsSummoned: routes to the requested or the situation's departments,
 * sets each assignment's deadlines from the level's SLA at the time of dispatch (the SLA is kept
 * in the event for reassignments and reopens), schedules the deadlines durably and tells each
 * department on its own topic (type SUMMONED) — all in one transaction. A whistle withdrawn
 * before it was triaged is not dispatched.
 */
@Injectable()
export class SummonWhenWhistleTriagedHandler {
  private readonly log = new Logger('Summon');

  constructor(private readonly streams: DispatchStreams) {}

  async handle(em: EntityManager, env: Envelope<'WhistleTriaged', WhistleTriagedData>): Promise<void> {
    const d = env.data;
    const situation = defaultCatalog().situation(d.situationCode);
    if (!situation) throw new RejectMessage(`unknown situation ${d.situationCode}`);
    const loaded = await this.streams.load(em, d.whistleId);
    if (!loaded.brief) throw new Error(`no WhistleBlown seen yet for ${d.whistleId}`); // transient: retried
    if (loaded.state.assignments.length > 0) return; // summoned already
    if (loaded.brief.phase === 'WITHDRAWN') {
      this.log.log(`whistle ${d.whistleId} was withdrawn before dispatch; nobody summoned`);
      return;
    }
    const now = new Date();
    const summoned: DepartmentsSummonedData = {
      ...route({
        whistleId: d.whistleId,
        level: d.level,
        requestedDepartments: d.requestedDepartments,
        situation,
        deadlines: deadlinesFrom(now, d.sla),
        summonedAt: now,
        newId: randomUUID,
      }),
      sla: { report: d.sla.report, arrive: d.sla.arrive, complete: d.sla.complete },
    };
    await this.streams.commit(em, loaded, [{ type: 'DepartmentsSummoned', data: summoned }], {
      correlationId: env.correlationId,
      causationId: env.eventId,
      actor: systemActor('dispatch'),
    });
  }
}

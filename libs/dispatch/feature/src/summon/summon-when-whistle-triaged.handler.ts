import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import { eventMessages, enqueue, Messaging, RejectMessage, type Envelope, type OutboxMessage } from '@chuishao/messaging';
import { departmentTopics, systemActor, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import type { AssignmentMessage, DepartmentsSummonedData } from '@chuishao/dispatch-contracts';
import { deadlinesFrom } from '@chuishao/triage-domain';
import { route } from '@chuishao/dispatch-domain';

/** Keeps what dispatch must tell departments about a whistle (from WhistleBlown). */
@Injectable()
export class WhistleBriefs {
  async remember(em: EntityManager, d: WhistleBlownData): Promise<void> {
    await em.query(
      `INSERT INTO whistle_briefs (whistle_id, street_id, situation_code, title, description, location)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (whistle_id) DO NOTHING`,
      [d.whistleId, d.streetId, d.situationCode, d.title, d.description, JSON.stringify(d.location)],
    );
  }
  async get(em: EntityManager, whistleId: string) {
    const rows: Array<{ street_id: string; situation_code: string; title: string; description: string; location: unknown }> = await em.query(
      `SELECT * FROM whistle_briefs WHERE whistle_id = $1`,
      [whistleId],
    );
    return rows[0];
  }
}

/**
 * WhistleTriaged → DepartmentsSummoned: routes to the requested or the situation's departments,
 * sets each assignment's deadlines from the level's SLA at the time of dispatch, schedules the
 * deadlines durably and tells each department on its own topic — all in one transaction.
 */
@Injectable()
export class SummonWhenWhistleTriagedHandler {
  constructor(
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly briefs: WhistleBriefs,
  ) {}

  async handle(em: EntityManager, env: Envelope<'WhistleTriaged', WhistleTriagedData>): Promise<void> {
    const d = env.data;
    const situation = defaultCatalog().situation(d.situationCode);
    if (!situation) throw new RejectMessage(`unknown situation ${d.situationCode}`);
    const brief = await this.briefs.get(em, d.whistleId);
    if (!brief) throw new Error(`no WhistleBlown seen yet for ${d.whistleId}`); // transient: retried
    const now = new Date();
    const summoned: DepartmentsSummonedData = route({
      whistleId: d.whistleId,
      level: d.level,
      requestedDepartments: d.requestedDepartments,
      situation,
      deadlines: deadlinesFrom(now, d.sla),
      summonedAt: now,
      newId: randomUUID,
    });
    const stored = await this.store.append(em, `whistle-${d.whistleId}`, 0, [{ type: 'DepartmentsSummoned', data: summoned, occurredAt: now }], {
      correlationId: env.correlationId,
      causationId: env.eventId,
      actor: systemActor('dispatch'),
    });
    const messages: OutboxMessage[] = eventMessages(stored, { topic: this.messaging.topic(TOPICS.whistleEvents), source: 'dispatch', whistleId: d.whistleId });
    for (const a of summoned.assignments) {
      const msg: AssignmentMessage = {
        assignmentId: a.assignmentId,
        whistleId: d.whistleId,
        role: a.role,
        level: d.level,
        situationCode: d.situationCode,
        title: brief.title,
        description: brief.description,
        location: brief.location,
        deadlines: a.deadlines,
        summonedAt: summoned.summonedAt,
      };
      messages.push({
        topic: this.messaging.topic(departmentTopics(a.departmentId).assignments),
        key: d.whistleId,
        value: JSON.stringify(msg),
        headers: { 'message-type': 'AssignmentSummoned' },
      });
      await em.query(
        `INSERT INTO assignments (id, whistle_id, department_id, role, status, level) VALUES ($1, $2, $3, $4, 'SUMMONED', $5)`,
        [a.assignmentId, d.whistleId, a.departmentId, a.role, d.level],
      );
      await em.query(
        `INSERT INTO deadlines (assignment_id, whistle_id, kind, due_at) VALUES ($1, $2, 'REPORT', $3), ($1, $2, 'ARRIVE', $4), ($1, $2, 'COMPLETE', $5)`,
        [a.assignmentId, d.whistleId, a.deadlines.reportBy, a.deadlines.arriveBy, a.deadlines.completeBy],
      );
    }
    await enqueue(em, messages);
  }
}

import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { envelopeProblem, processOnce, RejectMessage, type Envelope } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import type { DepartmentsSummonedData } from '@chuishao/dispatch-contracts';

/** Keeps the facts the scorecards are computed from, one row per assignment, updated event by event. */
@Controller()
export class AssessmentWhistleEventsKafkaController {
  constructor(private readonly dataSource: DataSource) {}

  @EventPattern(TOPICS.whistleEvents)
  async onWhistleEvent(@Payload() payload: unknown): Promise<void> {
    const problem = envelopeProblem(payload);
    if (problem) throw new RejectMessage(problem);
    const env = payload as Envelope;
    if (env.type !== 'DepartmentsSummoned') return;
    const d = env.data as DepartmentsSummonedData;
    await processOnce(this.dataSource, 'assessment-whistle-events', env.eventId, async (em) => {
      for (const a of d.assignments) {
        await em.query(
          `INSERT INTO assignment_facts (assignment_id, whistle_id, department_id, role, summoned_at, complete_by)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (assignment_id) DO NOTHING`,
          [a.assignmentId, d.whistleId, a.departmentId, a.role, d.summonedAt, a.deadlines.completeBy],
        );
      }
    });
  }
}

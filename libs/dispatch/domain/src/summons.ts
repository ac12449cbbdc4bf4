import type { Level } from '@chuishao/contracts';
import type { LevelSla } from '@chuishao/dispatch-contracts';
import { deadlinesFrom } from './duration';
import { route } from './routing';
import { isClosed, type DispatchState, type DispatchStreamEvent } from './dispatch.state';

/**
 * A triaged whistle's summons (报到): the departments the street requested or the situation's lead
 * and assists (./routing.ts), each with the deadlines of the level's SLA from now; the SLA is kept
 * in the event for reassignments and reopens. Nobody is summoned twice, nor for a whistle closed
 * (withdrawn) before it was triaged.
 */
export interface SummonCommand {
  type: 'Summon';
  whistleId: string;
  level: Level;
  sla: LevelSla;
  requestedDepartments: readonly string[];
  situation: { leadDepartment: string; assistDepartments: readonly string[] };
  now: string;
  /** The id of each new assignment, in routing order. */
  newId: () => string;
}

export function summon(c: SummonCommand, state: DispatchState): DispatchStreamEvent[] {
  if (state.assignments.length > 0) return []; // summoned already
  if (isClosed(state)) return []; // withdrawn before dispatch: nobody summoned
  const summoned = route({
    whistleId: c.whistleId,
    level: c.level,
    requestedDepartments: c.requestedDepartments,
    situation: c.situation,
    deadlines: deadlinesFrom(c.now, c.sla),
    summonedAt: new Date(c.now),
    newId: c.newId,
  });
  return [{ type: 'DepartmentsSummoned', data: { ...summoned, sla: { report: c.sla.report, arrive: c.sla.arrive, complete: c.sla.complete } } }];
}

import type { Level } from '@chuishao/contracts';
import type { AssignmentRole, DepartmentsSummonedData, Deadlines } from '@chuishao/dispatch-contracts';

export interface RoutingInput {
  whistleId: string;
  level: Level;
  requestedDepartments: readonly string[];
  situation: { leadDepartment: string; assistDepartments: readonly string[] };
  deadlines: Deadlines;
  summonedAt: Date;
  newId: () => string;
}

/**
 * Contract §4: if the street named departments, the first is LEAD and the rest ASSIST; otherwise
 * the situation's lead and assists. Duplicates are dropped, keeping the first mention.
 */
export function route(input: RoutingInput): DepartmentsSummonedData {
  const chosen = input.requestedDepartments.length > 0
    ? input.requestedDepartments
    : [input.situation.leadDepartment, ...input.situation.assistDepartments];
  const unique = [...new Set(chosen)];
  return {
    whistleId: input.whistleId,
    level: input.level,
    summonedAt: input.summonedAt.toISOString(),
    assignments: unique.map((departmentId, i) => ({
      assignmentId: input.newId(),
      departmentId,
      role: (i === 0 ? 'LEAD' : 'ASSIST') as AssignmentRole,
      deadlines: input.deadlines,
    })),
  };
}

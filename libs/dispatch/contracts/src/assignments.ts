/** What an assignment is made of: its role, its deadlines and the SLA they come from. */
export type AssignmentRole = 'LEAD' | 'ASSIST';
export type DeadlineKind = 'REPORT' | 'ARRIVE' | 'COMPLETE';

export interface Deadlines {
  reportBy: string;
  arriveBy: string;
  completeBy: string;
}

export interface SummonedAssignment {
  assignmentId: string;
  departmentId: string;
  role: AssignmentRole;
  deadlines: Deadlines;
}

/** The SLA of a level as ISO 8601 durations (e.g. PT15M, PT2S), as triage published it. */
export interface LevelSla {
  report: string;
  arrive: string;
  complete: string;
}

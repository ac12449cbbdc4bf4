/** The words every context uses for the same thing, defined once. */

/** Who did it: the person (`sub`), their role and organisation, as the token said (contract §0). */
export interface Actor {
  role: string;
  org?: string | null;
  sub: string;
}

/** 红黄蓝 response levels, most urgent first. */
export const LEVELS = ['RED', 'YELLOW', 'BLUE'] as const;
export type Level = (typeof LEVELS)[number];

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** An assignment's states, as dispatch decides them and intake shows them (contract §4). */
export const ASSIGNMENT_STATUSES = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED', 'COMPLETED', 'CLOSED', 'REASSIGNED'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

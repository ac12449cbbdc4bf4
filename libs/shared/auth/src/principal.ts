/** The five roles of the contract (§0 Auth). */
export const ROLES = ['street', 'department', 'command-center', 'assessment-office', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** Roles whose tokens must carry `org` (street id, department id). */
export const ROLES_WITH_ORG: readonly Role[] = ['street', 'department'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling, from a verified token. */
export interface Principal {
  /** The person (JWT `sub`). */
  sub: string;
  role: Role;
  /** Street id for `street`, department id for `department`; optional for the others. */
  org?: string;
}

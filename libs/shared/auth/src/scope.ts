import { ProblemException } from '@chuishao/platform';
import type { Principal } from './principal';

/**
 * Scope rules of the contract (§0 Auth):
 * - a street reads and acts on its own street's whistles only;
 * - a department reads the whistles it is assigned to and acts on its own assignments only;
 * - command-center, assessment-office and admin read everything (acting is role-specific and
 *   decided by `@Roles` on the route, e.g. triage override for command-center).
 * Pure functions: the caller loads the resource, asks, and calls {@link assertScope}.
 */

/** May `p` read a whistle of `streetId` with assignments to `departmentIds`? */
export function canReadWhistle(p: Principal, whistle: { streetId: string; departmentIds: readonly string[] }): boolean {
  switch (p.role) {
    case 'street':
      return p.org !== undefined && p.org === whistle.streetId;
    case 'department':
      return p.org !== undefined && whistle.departmentIds.includes(p.org);
    case 'command-center':
    case 'assessment-office':
    case 'admin':
      return true;
    default:
      return false;
  }
}

/** May `p` act on (withdraw, confirm, reopen, rate…) a whistle of `streetId`? Only its own street. */
export function canActOnWhistle(p: Principal, whistle: { streetId: string }): boolean {
  return p.role === 'street' && p.org !== undefined && p.org === whistle.streetId;
}

/** May `p` report/arrive/progress/dispute/complete this assignment? Only its own department. */
export function canActOnAssignment(p: Principal, assignment: { departmentId: string }): boolean {
  return p.role === 'department' && p.org !== undefined && p.org === assignment.departmentId;
}

/** Throws a 403 problem with `detail` unless `ok`. */
export function assertScope(ok: boolean, detail = '超出权限范围 / This resource is outside your scope'): asserts ok {
  if (!ok) throw ProblemException.forbidden(detail);
}

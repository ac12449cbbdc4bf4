import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route, declared next to it (docs/security.md, "Authorization matrix"). The
 * authorization matrix test enumerates every HTTP route of every service and of the gateway, fails
 * on a route that declares nothing, checks the declaration against `@Roles`/`@Public`, and calls the
 * route as every caller below, own and other organisation, against the running system.
 *
 * Answers: `allow` — the caller gets past authorization (any answer but 401/403); `deny` — 403 for
 * a role, 401 (or Open311's 403) for `anonymous`; `own` (street, department) — allowed on its own
 * street's / department's resources, 403 on another's.
 *
 * Defined in the platform (like `@Public`) so that the platform's own routes can declare theirs.
 */
export const ACCESS_KEY = 'chuishao:access';

/** Every kind of caller of the matrix: the five roles of the contract, and no token at all. */
export const ACCESS_CALLERS = ['street', 'department', 'command-center', 'assessment-office', 'admin', 'anonymous'] as const;
export type AccessCaller = (typeof ACCESS_CALLERS)[number];
/** Callers whose tokens carry an organisation, so that own and other scope differ. */
export const SCOPED_CALLERS = ['street', 'department'] as const;

export type AccessAnswer = 'allow' | 'deny';
export type ScopedAccessAnswer = AccessAnswer | 'own';

export type AccessSpec = { [C in AccessCaller]: C extends (typeof SCOPED_CALLERS)[number] ? ScopedAccessAnswer : AccessAnswer } & {
  /** Why, when the answer is not obvious from the roles (shown in the matrix). */
  note?: string;
};

/** Declares the expected answer of a route (or of every route of a controller) for every caller. */
export const Access = (spec: AccessSpec): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, spec);

/** Anyone, with or without a token: public pages, the feedback link, health. */
export const PUBLIC_ACCESS: AccessSpec = { street: 'allow', department: 'allow', 'command-center': 'allow', 'assessment-office': 'allow', admin: 'allow', anonymous: 'allow' };
/** Any signed-in role, for data that is not anyone's in particular (catalog, policies). */
export const ANY_ROLE_ACCESS: AccessSpec = { street: 'allow', department: 'allow', 'command-center': 'allow', 'assessment-office': 'allow', admin: 'allow', anonymous: 'deny' };
/** A whistle's reading: its street, its assigned departments, the district's offices. */
export const WHISTLE_READ_ACCESS: AccessSpec = { street: 'own', department: 'own', 'command-center': 'allow', 'assessment-office': 'allow', admin: 'allow', anonymous: 'deny' };

/** The same roles with every other caller denied: `accessOnly('admin')`, `accessOnly({ street: 'own' })`. */
export function accessOnly(...grants: Array<AccessCaller | Partial<Record<AccessCaller, ScopedAccessAnswer>>>): AccessSpec {
  const spec: Record<string, ScopedAccessAnswer> = Object.fromEntries(ACCESS_CALLERS.map((c) => [c, 'deny']));
  for (const g of grants) {
    if (typeof g === 'string') spec[g] = 'allow';
    else Object.assign(spec, g);
  }
  return spec as AccessSpec;
}

import { timingSafeEqual } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';

/** The one password of every development account (contract §16). */
export const DEV_PASSWORD = 'chuishao-dev';

export type DevRole = 'street' | 'department' | 'command-center' | 'assessment-office' | 'admin';

/** A development account: what the provider puts in its tokens. */
export interface DevAccount {
  /** `street.QUANYECHANG`, `department.FIRE_RESCUE`, `command-center`, … */
  username: string;
  /** The token's `sub`: stable across restarts. */
  sub: string;
  role: DevRole;
  /** Street id (role street) or department id (role department) from the catalog. */
  org?: string;
  /** A display name, Chinese. */
  name: string;
}

const ROLE_NAMES: Record<DevRole, string> = {
  street: '街道',
  department: '区直部门',
  'command-center': '区指挥中心',
  'assessment-office': '区考核办',
  admin: '管理员',
};

/**
 * One account per role and organisation (contract §16): `street.<STREET CODE>` for each street,
 * `department.<DEPARTMENT CODE>` for each department, and `command-center`, `assessment-office`,
 * `admin`. Organisations come from the catalog, so new streets and departments get accounts.
 */
export function devAccounts(): Map<string, DevAccount> {
  const catalog = defaultCatalog();
  const accounts: DevAccount[] = [
    ...catalog.streets.map((s) => ({ username: `street.${s.code}`, role: 'street' as const, org: s.id, name: `${s.name}工作人员` })),
    ...catalog.departments.map((d) => ({ username: `department.${d.code}`, role: 'department' as const, org: d.id, name: `${d.name}工作人员` })),
    ...(['command-center', 'assessment-office', 'admin'] as const).map((role) => ({ username: role, role, name: `${ROLE_NAMES[role]}工作人员` })),
  ].map((a) => ({ ...a, sub: `dev:${a.username}` }));
  return new Map(accounts.map((a) => [a.username, a]));
}

/** The account for a username and password, or undefined (the same answer for either mistake). */
export function checkPassword(accounts: Map<string, DevAccount>, username: string, password: string): DevAccount | undefined {
  const given = Buffer.from(password, 'utf8');
  const expected = Buffer.from(DEV_PASSWORD, 'utf8');
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  const account = accounts.get(username.trim());
  return ok ? account : undefined;
}

/** The account whose `sub` this is. */
export function accountBySub(accounts: Map<string, DevAccount>, sub: string): DevAccount | undefined {
  return sub.startsWith('dev:') ? accounts.get(sub.slice(4)) : undefined;
}

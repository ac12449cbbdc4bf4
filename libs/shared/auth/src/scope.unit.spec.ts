import { ProblemException } from '@chuishao/platform';
import { assertScope, canActOnAssignment, canActOnWhistle, canReadWhistle } from './scope';
import type { Principal } from './principal';

const street: Principal = { sub: 's', role: 'street', org: 'S1' };
const otherStreet: Principal = { sub: 's', role: 'street', org: 'S2' };
const dept: Principal = { sub: 'd', role: 'department', org: 'D1' };
const otherDept: Principal = { sub: 'd', role: 'department', org: 'D9' };
const cc: Principal = { sub: 'c', role: 'command-center' };
const office: Principal = { sub: 'o', role: 'assessment-office' };
const admin: Principal = { sub: 'a', role: 'admin' };

const whistle = { streetId: 'S1', departmentIds: ['D1', 'D2'] };

describe('scope rules', () => {
  it.each([
    ['street, own street', street, true],
    ['street, other street', otherStreet, false],
    ['department, assigned', dept, true],
    ['department, not assigned', otherDept, false],
    ['command-center', cc, true],
    ['assessment-office', office, true],
    ['admin', admin, true],
  ])('canReadWhistle: %s → %s', (_n, p, expected) => {
    expect(canReadWhistle(p, whistle)).toBe(expected);
  });

  it.each([
    ['street, own street', street, true],
    ['street, other street', otherStreet, false],
    ['department (even assigned)', dept, false],
    ['command-center', cc, false],
    ['admin', admin, false],
  ])('canActOnWhistle: %s → %s', (_n, p, expected) => {
    expect(canActOnWhistle(p, whistle)).toBe(expected);
  });

  it.each([
    ['department, own', dept, true],
    ['department, other', otherDept, false],
    ['street', street, false],
    ['command-center', cc, false],
    ['admin', admin, false],
  ])('canActOnAssignment: %s → %s', (_n, p, expected) => {
    expect(canActOnAssignment(p, { departmentId: 'D1' })).toBe(expected);
  });

  it('a street or department principal without org reads nothing', () => {
    expect(canReadWhistle({ sub: 'x', role: 'street' }, { streetId: 'S1', departmentIds: [] })).toBe(false);
    expect(canActOnAssignment({ sub: 'x', role: 'department' }, { departmentId: 'D1' })).toBe(false);
  });

  it('assertScope throws a 403 problem', () => {
    expect(() => assertScope(true, 'x')).not.toThrow();
    try {
      assertScope(false, '不是你的街道 / Not your street');
      throw new Error('unreachable');
    } catch (err: unknown) {
      expect(err).toBeInstanceOf(ProblemException);
      expect((err as ProblemException).getStatus()).toBe(403);
      expect((err as ProblemException).problem.detail).toBe('不是你的街道 / Not your street');
    }
  });
});

import type { WhistleTriagedData } from '@chuishao/triage-contracts';
import { DEFAULT_TRIAGE_POLICY } from './policy';
import { decideOverride, evolveTriaged, OverrideRefused, untriaged, type TriagedWhistle, type TriageStreamEvent } from './override.decider';

const ID = '7f0c5a3e-1111-4222-8333-944455556666';
const triaged: TriageStreamEvent = {
  type: 'WhistleTriaged',
  data: { whistleId: ID, level: 'BLUE', policyVersion: 3 } as WhistleTriagedData,
};
const given = (...events: TriageStreamEvent[]): TriagedWhistle => events.reduce(evolveTriaged, untriaged(ID));
const refusal = (f: () => unknown): OverrideRefused => {
  try {
    f();
  } catch (e) {
    if (e instanceof OverrideRefused) return e;
    throw e;
  }
  throw new Error('not refused');
};
const sla = DEFAULT_TRIAGE_POLICY.sla;

describe('decideOverride', () => {
  it('given a triaged BLUE whistle, when overridden to RED with a reason, then TriageOverridden with the RED SLA of its policy', () => {
    expect(decideOverride(given(triaged), { level: 'RED', reason: '  现场发现燃气泄漏  ' }, sla)).toEqual({
      whistleId: ID,
      from: 'BLUE',
      to: 'RED',
      reason: '现场发现燃气泄漏',
      policyVersion: 3,
      sla: sla.RED,
    });
  });

  it('a second override starts from the overridden level', () => {
    const after = given(triaged, { type: 'TriageOverridden', data: { whistleId: ID, from: 'BLUE', to: 'RED', reason: '燃气', policyVersion: 3, sla: sla.RED } });
    expect(decideOverride(after, { level: 'YELLOW', reason: '已排除险情' }, sla)).toMatchObject({ from: 'RED', to: 'YELLOW', sla: sla.YELLOW });
  });

  it.each<[string, TriagedWhistle, { level: string; reason: string }, OverrideRefused['kind'], string | null]>([
    ['no reason', given(triaged), { level: 'RED', reason: '' }, 'invalid', 'reason'],
    ['a one-character reason', given(triaged), { level: 'RED', reason: ' 急 ' }, 'invalid', 'reason'],
    ['a reason of spaces', given(triaged), { level: 'RED', reason: '     ' }, 'invalid', 'reason'],
    ['a reason of ideographic spaces and a combining mark alone', given(triaged), { level: 'RED', reason: '\u3000\u3000e\u0301\u3000' }, 'invalid', 'reason'],
    ['a reason over 1000 characters', given(triaged), { level: 'RED', reason: '长'.repeat(1001) }, 'invalid', 'reason'],
    ['an unknown level', given(triaged), { level: 'ORANGE', reason: '理由充分' }, 'invalid', 'level'],
    ['a whistle triage never saw', untriaged(ID), { level: 'RED', reason: '理由充分' }, 'not-found', null],
    ['a RESOLVED whistle', { ...given(triaged), closed: 'RESOLVED' }, { level: 'RED', reason: '理由充分' }, 'conflict', null],
    ['a WITHDRAWN whistle', { ...given(triaged), closed: 'WITHDRAWN' }, { level: 'RED', reason: '理由充分' }, 'conflict', null],
    ['the level it already has', given(triaged), { level: 'BLUE', reason: '理由充分' }, 'conflict', 'level'],
  ])('refuses %s', (_n, state, cmd, kind, field) => {
    const e = refusal(() => decideOverride(state, cmd as never, sla));
    expect(e.kind).toBe(kind);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/\/ [a-z]/);
  });

  it('a reason is checked before the whistle (an empty reason is 422 even for an unknown whistle)', () => {
    expect(refusal(() => decideOverride(untriaged(ID), { level: 'RED', reason: '' }, sla)).kind).toBe('invalid');
  });
});

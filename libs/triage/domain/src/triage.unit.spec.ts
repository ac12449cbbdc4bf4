import type { Level } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { DEFAULT_TRIAGE_POLICY, type TriagePolicy } from './policy';
import { triage, type TriageInput } from './triage';

type Over = Omit<Partial<TriageInput>, 'hints'> & { hints?: Partial<TriageInput['hints']> };
const input = (over: Over = {}): TriageInput => ({
  situationCode: over.situationCode ?? 'STREET_VENDING',
  area: over.area ?? 'JOINT_ENFORCEMENT',
  defaultLevel: over.defaultLevel ?? 'BLUE',
  hints: { lifeSafety: false, householdsAffected: null, ...(over.hints ?? {}) },
  recurringCount: over.recurringCount ?? 0,
});

const withRules = (patch: (r: TriagePolicy['rules']) => void): TriagePolicy => {
  const p: TriagePolicy = JSON.parse(JSON.stringify(DEFAULT_TRIAGE_POLICY));
  patch(p.rules);
  return p;
};

describe('triage() with the default policy v1', () => {
  describe('rule 1 — base level is the situation default', () => {
    it.each<[Level]>([['RED'], ['YELLOW'], ['BLUE']])('%s stays %s with no hints', (lvl) => {
      const r = triage(input({ defaultLevel: lvl }), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(lvl);
      expect(r.rules.map((x) => x.id)).toEqual(['base']);
      expect(r.rules[0].reason.zh).toContain('默认响应级别');
      expect(r.rules[0].reason.en).toContain(`defaults to ${lvl}`);
    });
  });

  describe('rule 2 — life safety → RED', () => {
    it.each<[Level, boolean, Level, boolean | undefined]>([
      ['BLUE', true, 'RED', true],
      ['YELLOW', true, 'RED', true],
      ['RED', true, 'RED', false],
      ['BLUE', false, 'BLUE', undefined],
    ])('base %s, lifeSafety %s → %s (recorded changed=%s)', (base, life, want, changed) => {
      const r = triage(input({ defaultLevel: base, hints: { lifeSafety: life } }), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(want);
      expect(r.rules.find((x) => x.id === 'life-safety')?.changed).toBe(changed);
    });
  });

  describe('rule 3 — households affected ≥ 50 → one level up', () => {
    it.each<[Level, number | null, Level]>([
      ['BLUE', 49, 'BLUE'],
      ['BLUE', 50, 'YELLOW'],
      ['BLUE', 5000, 'YELLOW'],
      ['YELLOW', 50, 'RED'],
      ['RED', 80, 'RED'],
      ['BLUE', null, 'BLUE'],
      ['BLUE', 0, 'BLUE'],
    ])('base %s, %s households → %s', (base, hh, want) => {
      const r = triage(input({ defaultLevel: base, hints: { householdsAffected: hh } }), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(want);
      expect(r.rules.some((x) => x.id === 'households-affected')).toBe(hh !== null && hh >= 50);
    });
    it('says why in both languages', () => {
      const r = triage(input({ hints: { householdsAffected: 80 } }), DEFAULT_TRIAGE_POLICY);
      expect(r.rules[1].reason).toEqual({ zh: '影响 80 户（≥ 50 户），提升一级', en: '80 households affected (≥ 50): one level up' });
    });
  });

  describe('rule 4 — recurring: ≥ 2 earlier whistles → one level up', () => {
    it.each<[Level, number, Level]>([
      ['BLUE', 0, 'BLUE'],
      ['BLUE', 1, 'BLUE'],
      ['BLUE', 2, 'YELLOW'],
      ['BLUE', 7, 'YELLOW'],
      ['YELLOW', 2, 'RED'],
      ['RED', 3, 'RED'],
    ])('base %s, %s earlier → %s', (base, n, want) => {
      const r = triage(input({ defaultLevel: base, recurringCount: n }), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(want);
      expect(r.rules.some((x) => x.id === 'recurring')).toBe(n >= 2);
    });
  });

  describe('rule 5 — EMERGENCY is never below YELLOW', () => {
    it.each<[Level, Level]>([
      ['BLUE', 'YELLOW'],
      ['YELLOW', 'YELLOW'],
      ['RED', 'RED'],
    ])('EMERGENCY base %s → %s (the floor lifts BLUE to YELLOW only)', (base, want) => {
      const r = triage(input({ area: 'EMERGENCY', defaultLevel: base }), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(want);
      const rule = r.rules.find((x) => x.id === 'emergency-floor');
      expect(rule).toMatchObject({ level: want, changed: base === 'BLUE' });
      expect(rule?.reason.zh).toBe('应急处置类呼叫不低于黄色');
    });
    it('does not touch other areas', () => {
      const r = triage(input({ area: 'PUBLIC_SERVICE', defaultLevel: 'BLUE' }), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe('BLUE');
      expect(r.rules.map((x) => x.id)).toEqual(['base']);
    });
  });

  describe('interplay', () => {
    it.each<[string, Over, Level, string[]]>([
      ['life safety beats everything (BLUE, few households, not recurring)', { defaultLevel: 'BLUE', hints: { lifeSafety: true, householdsAffected: 1 } }, 'RED', ['base', 'life-safety']],
      ['life safety then households: already RED stays RED', { defaultLevel: 'BLUE', hints: { lifeSafety: true, householdsAffected: 80 } }, 'RED', ['base', 'life-safety', 'households-affected']],
      ['households and recurring stack: BLUE → YELLOW → RED', { defaultLevel: 'BLUE', hints: { householdsAffected: 50 }, recurringCount: 2 }, 'RED', ['base', 'households-affected', 'recurring']],
      ['a raised BLUE in EMERGENCY: households lifts to YELLOW, the floor then changes nothing', { area: 'EMERGENCY', defaultLevel: 'BLUE', hints: { householdsAffected: 60 } }, 'YELLOW', ['base', 'households-affected', 'emergency-floor']],
      ['a twice-raised BLUE in EMERGENCY ends RED, the floor never lowers', { area: 'EMERGENCY', defaultLevel: 'BLUE', hints: { householdsAffected: 60 }, recurringCount: 2 }, 'RED', ['base', 'households-affected', 'recurring', 'emergency-floor']],
      ['EMERGENCY with 49 households: only the floor acts', { area: 'EMERGENCY', defaultLevel: 'BLUE', hints: { householdsAffected: 49 } }, 'YELLOW', ['base', 'emergency-floor']],
      ['recurring with only 1 earlier does nothing', { defaultLevel: 'YELLOW', recurringCount: 1 }, 'YELLOW', ['base']],
    ])('%s', (_name, over, want, ids) => {
      const r = triage(input(over), DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(want);
      expect(r.rules.map((x) => x.id)).toEqual(ids);
      expect(r.rules[r.rules.length - 1].level).toBe(want);
    });

    it('records the level after each rule and whether it moved', () => {
      const r = triage(input({ area: 'EMERGENCY', defaultLevel: 'BLUE', hints: { householdsAffected: 60 } }), DEFAULT_TRIAGE_POLICY);
      expect(r.rules.map((x) => [x.id, x.level, x.changed])).toEqual([
        ['base', 'BLUE', true],
        ['households-affected', 'YELLOW', true],
        ['emergency-floor', 'YELLOW', false],
      ]);
    });
  });

  describe('policy parameters', () => {
    it('a disabled rule is skipped and not recorded', () => {
      const p = withRules((r) => {
        r['life-safety'].enabled = false;
        r['emergency-floor'].enabled = false;
      });
      const res = triage(input({ area: 'EMERGENCY', hints: { lifeSafety: true } }), p);
      expect(res.level).toBe('BLUE');
      expect(res.rules.map((x) => x.id)).toEqual(['base']);
    });
    it('threshold and steps come from the policy', () => {
      const p = withRules((r) => {
        r['households-affected'] = { enabled: true, threshold: 10, steps: 2 };
      });
      const res = triage(input({ hints: { householdsAffected: 10 } }), p);
      expect(res.level).toBe('RED');
      expect(res.rules[1].reason.zh).toContain('提升两级');
      expect(res.rules[1].reason.en).toContain('2 levels up');
    });
    it('life safety level may be YELLOW', () => {
      const p = withRules((r) => {
        r['life-safety'].level = 'YELLOW';
      });
      expect(triage(input({ hints: { lifeSafety: true } }), p).level).toBe('YELLOW');
    });
    it('minEarlier comes from the policy', () => {
      const p = withRules((r) => {
        r.recurring.minEarlier = 1;
      });
      expect(triage(input({ recurringCount: 1 }), p).level).toBe('YELLOW');
    });
  });

  it('every catalog situation triages without hints to its default level (or the emergency floor)', () => {
    for (const s of defaultCatalog().situations) {
      const r = triage({ situationCode: s.code, area: s.area, defaultLevel: s.defaultLevel, hints: { lifeSafety: false, householdsAffected: null }, recurringCount: 0 }, DEFAULT_TRIAGE_POLICY);
      expect(r.level).toBe(s.area === 'EMERGENCY' && s.defaultLevel === 'BLUE' ? 'YELLOW' : s.defaultLevel);
    }
  });
});

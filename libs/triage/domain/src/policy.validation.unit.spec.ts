import { DEFAULT_TRIAGE_POLICY } from './policy';
import { validatePolicy } from './policy.validation';

type Body = { sla: Record<string, unknown>; rules: Record<string, unknown> };
const valid = (): Body => JSON.parse(JSON.stringify({ sla: DEFAULT_TRIAGE_POLICY.sla, rules: DEFAULT_TRIAGE_POLICY.rules }));
const fields = (b: { sla: unknown; rules: unknown }) => {
  const r = validatePolicy(b);
  return r.ok ? [] : r.errors.map((e) => e.field);
};
const mutate = (f: (b: Body & { sla: any; rules: any }) => void): Body => {  
  const b = valid();
  f(b as Body & { sla: any; rules: any });  
  return b;
};

describe('validatePolicy', () => {
  it('accepts the default policy v1', () => {
    const r = validatePolicy(valid());
    expect(r.ok).toBe(true);
  });
  it('accepts seconds for drills (PT2S < PT4S < PT8S)', () => {
    const b = mutate((x) => {
      x.sla.RED = { report: 'PT2S', arrive: 'PT4S', complete: 'PT8S' };
    });
    expect(fields(b)).toEqual([]);
  });
  it('accepts BLUE complete P4D (faster than v1, still not faster than YELLOW)', () => {
    expect(fields(mutate((x) => (x.sla.BLUE.complete = 'P4D')))).toEqual([]);
  });
  it('accepts equal deadlines across levels', () => {
    expect(fields(mutate((x) => (x.sla.YELLOW.report = 'PT15M')))).toEqual([]);
  });

  it.each<[string, (x: any) => void, string[]]>([  
    ['sla not an object', (x) => (x.sla = 'fast'), ['sla']],
    ['a level missing', (x) => delete x.sla.YELLOW, ['sla.YELLOW']],
    ['an unknown level', (x) => (x.sla.GREEN = { report: 'PT1H', arrive: 'PT2H', complete: 'PT3H' }), ['sla.GREEN']],
    ['a phase missing', (x) => delete x.sla.RED.arrive, ['sla.RED.arrive']],
    ['an unknown phase', (x) => (x.sla.RED.escalate = 'PT1H'), ['sla.RED.escalate']],
    ['not a duration', (x) => (x.sla.RED.report = '15 minutes'), ['sla.RED.report']],
    ['a number instead of a duration', (x) => (x.sla.RED.report = 900), ['sla.RED.report']],
    ['months are not fixed-length', (x) => (x.sla.BLUE.complete = 'P1M'), ['sla.BLUE.complete']],
    ['zero', (x) => (x.sla.RED.report = 'PT0S'), ['sla.RED.report']],
    ['over 366 days', (x) => (x.sla.BLUE.complete = 'P400D'), ['sla.BLUE.complete']],
    ['report = arrive', (x) => (x.sla.RED.arrive = 'PT15M'), ['sla.RED.arrive']],
    ['arrive > complete (and RED now slower than YELLOW)', (x) => (x.sla.YELLOW.complete = 'PT12H'), ['sla.YELLOW.complete', 'sla.RED.complete']],
    ['RED slower than YELLOW', (x) => (x.sla.RED.report = 'PT3H'), ['sla.RED.report', 'sla.RED.arrive', 'sla.RED.report']],
    ['YELLOW complete slower than BLUE', (x) => (x.sla.BLUE.complete = 'P2DT1H'), ['sla.YELLOW.complete', 'sla.BLUE.complete']],
    ['rules not an object', (x) => (x.rules = []), ['rules']],
    ['an unknown rule id', (x) => (x.rules['weekend-boost'] = { enabled: true }), ['rules.weekend-boost']],
    ['a rule missing (no implicit defaults)', (x) => delete x.rules.recurring, ['rules.recurring']],
    ['base disabled', (x) => (x.rules.base.enabled = false), ['rules.base.enabled']],
    ['enabled missing', (x) => delete x.rules['life-safety'].enabled, ['rules.life-safety.enabled']],
    ['an unknown parameter', (x) => (x.rules.recurring.radius = 200), ['rules.recurring.radius']],
    ['life-safety level unknown', (x) => (x.rules['life-safety'].level = 'ORANGE'), ['rules.life-safety.level']],
    ['households threshold 0', (x) => (x.rules['households-affected'].threshold = 0), ['rules.households-affected.threshold']],
    ['households threshold 1.5', (x) => (x.rules['households-affected'].threshold = 1.5), ['rules.households-affected.threshold']],
    ['households steps 3', (x) => (x.rules['households-affected'].steps = 3), ['rules.households-affected.steps']],
    ['steps 0', (x) => (x.rules.recurring.steps = 0), ['rules.recurring.steps']],
    ['minEarlier 0', (x) => (x.rules.recurring.minEarlier = 0), ['rules.recurring.minEarlier']],
    ['radiusMeters 0', (x) => (x.rules.recurring.radiusMeters = 0), ['rules.recurring.radiusMeters']],
    ['radiusMeters "200"', (x) => (x.rules.recurring.radiusMeters = '200'), ['rules.recurring.radiusMeters']],
    ['windowDays 0', (x) => (x.rules.recurring.windowDays = 0), ['rules.recurring.windowDays']],
    ['emergency floor area unknown', (x) => (x.rules['emergency-floor'].area = 'FLOOD'), ['rules.emergency-floor.area']],
    ['emergency floor level missing', (x) => delete x.rules['emergency-floor'].floor, ['rules.emergency-floor.floor']],
  ])('refuses %s', (_name, f, want) => {
    const r = validatePolicy(mutate(f));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.field).sort()).toEqual([...new Set(want)].sort());
      for (const e of r.errors) expect(e.message).toMatch(/[\u4e00-\u9fff].*\/ [A-Za-z]/);
    }
  });

  it('accepts fractional radius and reports every problem at once', () => {
    expect(fields(mutate((x) => (x.rules.recurring.radiusMeters = 150.5)))).toEqual([]);
    const many = mutate((x) => {
      x.sla.RED.report = 'soon';
      delete x.rules.base;
      x.rules.recurring.windowDays = 0;
    });
    expect(fields(many).sort()).toEqual(['rules.base', 'rules.recurring.windowDays', 'sla.RED.report']);
  });
});

import { createHash } from 'node:crypto';
import { LEVELS, type Level } from '@chuishao/contracts';
import {
  AREA_CODES,
  defaultCatalog,
  levelRank,
  loadCatalog,
  mostUrgent,
  raiseLevel,
  validateCatalog,
  type Catalog,
} from './index';
import raw from './data/catalog.v1.json';

/** Fixed namespace documented in README.md and tools/generate-ids.js. */
const NAMESPACE = 'e621d58a-a659-4d8e-80fd-d1a2d3e45aa8';

/** RFC 9562 UUID v5, re-implemented here on purpose (independent of the generator). */
function uuidV5(name: string, namespace = NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface MutableSituation {
  code: string;
  area: string;
  defaultLevel: string;
  leadDepartment: string;
  assistDepartments: string[];
  [key: string]: unknown;
}
interface MutableCatalog {
  version: string;
  areas: Array<{ code: string; name: string; nameEn: string }>;
  situations: MutableSituation[];
  departments: Array<{ id: string; code: string; name: string; nameEn: string }>;
  streets: Array<{ id: string; code: string; communities: Array<{ id: string; code: string; name: string }> }>;
}

/** A deep, mutable copy of the bundled JSON to corrupt. */
function copy(): MutableCatalog {
  return JSON.parse(JSON.stringify(raw)) as MutableCatalog;
}

function loadError(data: unknown): string {
  try {
    loadCatalog(data);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected loadCatalog to throw');
}

describe('catalog data v1', () => {
  let catalog: Catalog;
  beforeAll(() => {
    catalog = loadCatalog();
  });

  it('has a version', () => {
    expect(catalog.version).toBe('2026.1');
  });

  it('has exactly the five areas, in order, with their Chinese names', () => {
    expect(catalog.areas.map((a) => [a.code, a.name])).toEqual([
      ['CONFLICT_SCREENING', '矛盾排查'],
      ['PUBLIC_SERVICE', '服务群众'],
      ['JOINT_ENFORCEMENT', '综合执法'],
      ['KEY_WORK', '重点工作'],
      ['EMERGENCY', '应急处置'],
    ]);
    expect(catalog.areas.map((a) => a.code)).toEqual([...AREA_CODES]);
  });

  it('has exactly 43 situations with unique SCREAMING_SNAKE codes', () => {
    expect(catalog.situations).toHaveLength(43);
    const codes = catalog.situations.map((s) => s.code);
    expect(new Set(codes).size).toBe(43);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('spreads the situations over every area (at least 3 each)', () => {
    for (const area of AREA_CODES) {
      expect(catalog.situations.filter((s) => s.area === area).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('gives every situation Chinese and English names and a valid level', () => {
    for (const s of catalog.situations) {
      expect(s.name).toMatch(/[\u4e00-\u9fff]/);
      expect(s.nameEn).toMatch(/^[A-Z]/);
      expect(LEVELS).toContain(s.defaultLevel);
    }
  });

  it('never defaults an EMERGENCY situation below YELLOW', () => {
    for (const s of catalog.situations.filter((x) => x.area === 'EMERGENCY')) {
      expect(levelRank(s.defaultLevel)).toBeLessThanOrEqual(levelRank('YELLOW'));
    }
  });

  it('references only existing departments and never assists with the lead', () => {
    const ids = new Set(catalog.departments.map((d) => d.id));
    for (const s of catalog.situations) {
      expect(ids.has(s.leadDepartment)).toBe(true);
      for (const a of s.assistDepartments) expect(ids.has(a)).toBe(true);
      expect(s.assistDepartments).not.toContain(s.leadDepartment);
      expect(new Set(s.assistDepartments).size).toBe(s.assistDepartments.length);
    }
  });

  it('has about 18-22 departments with unique codes and ids', () => {
    expect(catalog.departments.length).toBeGreaterThanOrEqual(18);
    expect(catalog.departments.length).toBeLessThanOrEqual(22);
    expect(new Set(catalog.departments.map((d) => d.code)).size).toBe(catalog.departments.length);
    expect(new Set(catalog.departments.map((d) => d.id)).size).toBe(catalog.departments.length);
  });

  it("has Heping District's six streets with 4-8 communities each", () => {
    expect(catalog.streets.map((s) => s.name)).toEqual([
      '劝业场街道',
      '小白楼街道',
      '五大道街道',
      '新兴街道',
      '南营门街道',
      '南市街道',
    ]);
    for (const s of catalog.streets) {
      expect(s.communities.length).toBeGreaterThanOrEqual(4);
      expect(s.communities.length).toBeLessThanOrEqual(8);
      expect(new Set(s.communities.map((c) => c.code)).size).toBe(s.communities.length);
    }
    expect(catalog.streetByCode('QUANYECHANG')?.communities.map((c) => c.name)).toContain('静园社区');
    expect(catalog.streetByCode('NANYINGMEN')?.communities.map((c) => c.name)).toContain('文化村社区');
  });

  it('uses ids that are UUID v5 of their codes under the documented namespace', () => {
    const all: string[] = [];
    for (const d of catalog.departments) {
      expect(d.id).toMatch(UUID_V5);
      expect(d.id).toBe(uuidV5(`department:${d.code}`));
      all.push(d.id);
    }
    for (const s of catalog.streets) {
      expect(s.id).toMatch(UUID_V5);
      expect(s.id).toBe(uuidV5(`street:${s.code}`));
      all.push(s.id);
      for (const c of s.communities) {
        expect(c.id).toMatch(UUID_V5);
        expect(c.id).toBe(uuidV5(`community:${s.code}:${c.code}`));
        all.push(c.id);
      }
    }
    expect(new Set(all).size).toBe(all.length);
  });

  it('covers the cases of the source text', () => {
    const dept = (code: string): string => {
      const d = catalog.departmentByCode(code);
      if (!d) throw new Error(`no department ${code}`);
      return d.id;
    };
    // Breakfast carts with gas cylinders in the residents' only passage: fire, police, market regulation.
    const fireLane = catalog.situation('FIRE_LANE_BLOCKED');
    expect(fireLane?.defaultLevel).toBe('RED');
    expect(fireLane?.leadDepartment).toBe(dept('FIRE_RESCUE'));
    expect(fireLane?.assistDepartments).toEqual(expect.arrayContaining([dept('PUBLIC_SECURITY'), dept('MARKET_REGULATION')]));
    // 22-year-old building, no property management: the housing commission.
    expect(catalog.situation('OLD_COMPOUND_NO_PROPERTY_MGMT')?.leadDepartment).toBe(dept('HOUSING_CONSTRUCTION'));
    expect(catalog.situation('FIRE_FACILITY_FAILURE')?.leadDepartment).toBe(dept('FIRE_RESCUE'));
    // Market street blocked by stalls; handrails for the elderly; elevators for old buildings.
    expect(catalog.situation('STREET_VENDING')?.leadDepartment).toBe(dept('URBAN_MANAGEMENT'));
    expect(catalog.situation('AGE_FRIENDLY_RETROFIT')?.leadDepartment).toBe(dept('CIVIL_AFFAIRS'));
    expect(catalog.situation('ELEVATOR_RETROFIT')?.area).toBe('PUBLIC_SERVICE');
    // Beijing 12345 practice.
    for (const code of ['UTILITY_OUTAGE', 'ILLEGAL_CONSTRUCTION', 'WAGE_ARREARS', 'WATERLOGGING', 'GROUP_RENTAL_HAZARD']) {
      expect(catalog.situation(code)).toBeDefined();
    }
    for (const code of ['FIRE_INCIDENT', 'GAS_LEAK', 'ELEVATOR_ENTRAPMENT']) {
      expect(catalog.situation(code)?.defaultLevel).toBe('RED');
    }
  });
});

describe('lookups', () => {
  const catalog = loadCatalog();

  it('finds situations, departments, streets and communities, and returns undefined when missing', () => {
    expect(catalog.situation('ELEVATOR_ENTRAPMENT')?.name).toBe('电梯故障困人');
    expect(catalog.situation('NOPE')).toBeUndefined();
    expect(catalog.area('EMERGENCY')?.name).toBe('应急处置');
    expect(catalog.area('NOPE')).toBeUndefined();

    const fire = catalog.departmentByCode('FIRE_RESCUE');
    expect(fire?.name).toBe('和平区消防救援支队');
    expect(catalog.department(fire?.id ?? '')).toBe(fire);
    expect(catalog.department('00000000-0000-5000-8000-000000000000')).toBeUndefined();
    expect(catalog.departmentByCode('NOPE')).toBeUndefined();

    const street = catalog.streetByCode('QUANYECHANG');
    expect(street?.name).toBe('劝业场街道');
    expect(catalog.street(street?.id ?? '')).toBe(street);
    expect(catalog.street('nope')).toBeUndefined();
    expect(catalog.streetByCode('NOPE')).toBeUndefined();

    const jingyuan = street?.communities.find((c) => c.code === 'JINGYUAN');
    expect(catalog.community(street?.id ?? '', jingyuan?.id ?? '')?.name).toBe('静园社区');
    const other = catalog.streetByCode('NANYINGMEN');
    expect(catalog.community(other?.id ?? '', jingyuan?.id ?? '')).toBeUndefined();
    expect(catalog.community('nope', jingyuan?.id ?? '')).toBeUndefined();
    expect(catalog.situation('__proto__')).toBeUndefined();
  });

  it('is deep-frozen and does not freeze the input', () => {
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog.situations)).toBe(true);
    expect(Object.isFrozen(catalog.situations[0])).toBe(true);
    expect(Object.isFrozen(catalog.situations[0].assistDepartments)).toBe(true);
    expect(Object.isFrozen(catalog.streets[0].communities[0])).toBe(true);
    expect(() => {
      (catalog.situations[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (catalog.situations as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(Object.isFrozen(raw)).toBe(false);
    expect(Object.isFrozen(raw.situations[0])).toBe(false);
  });

  it('memoises the default catalog', () => {
    expect(defaultCatalog()).toBe(defaultCatalog());
    expect(defaultCatalog().situations).toHaveLength(43);
  });
});

describe('loadCatalog rejects corrupted data', () => {
  it('with 42 situations', () => {
    const data = copy();
    data.situations.pop();
    expect(loadError(data)).toMatch(/expected exactly 43 situations, got 42/);
  });

  it('with a dangling lead department, naming the situation and the id', () => {
    const data = copy();
    const dangling = '11111111-1111-5111-8111-111111111111';
    data.situations[0].leadDepartment = dangling;
    const message = loadError(data);
    expect(message).toContain(`situation ${data.situations[0].code}: lead department "${dangling}" does not exist`);
  });

  it('with a dangling assist department', () => {
    const data = copy();
    data.situations[1].assistDepartments.push('22222222-2222-5222-8222-222222222222');
    expect(loadError(data)).toMatch(/assist department "22222222-.*" does not exist/);
  });

  it('with a duplicate situation code', () => {
    const data = copy();
    data.situations[5].code = data.situations[4].code;
    expect(loadError(data)).toContain(`duplicate situation code "${data.situations[4].code}" at situations[4] and situations[5]`);
  });

  it('with duplicate department ids and codes', () => {
    const data = copy();
    data.departments[1].id = data.departments[0].id;
    data.departments[2].code = data.departments[0].code;
    const message = loadError(data);
    expect(message).toMatch(/duplicate id "[0-9a-f-]+" at departments\[0\] and departments\[1\]/);
    expect(message).toContain(`duplicate department code "${data.departments[0].code}"`);
  });

  it('with an assist list containing the lead', () => {
    const data = copy();
    const s = data.situations[2];
    s.assistDepartments.push(s.leadDepartment);
    expect(loadError(data)).toContain(`situation ${s.code}: assistDepartments contains the lead department`);
  });

  it('with a bad level or area', () => {
    const data = copy();
    data.situations[3].defaultLevel = 'ORANGE';
    data.situations[4].area = 'SOMEWHERE';
    const message = loadError(data);
    expect(message).toContain(`situation ${data.situations[3].code}: bad defaultLevel "ORANGE"`);
    expect(message).toContain(`situation ${data.situations[4].code}: unknown area "SOMEWHERE"`);
  });

  it('with a BLUE emergency situation', () => {
    const data = copy();
    const s = data.situations.find((x) => x.area === 'EMERGENCY');
    if (!s) throw new Error('no emergency situation');
    s.defaultLevel = 'BLUE';
    expect(loadError(data)).toContain(`situation ${s.code}: EMERGENCY situations are never below YELLOW`);
  });

  it('with areas missing or out of order', () => {
    const data = copy();
    data.areas.reverse();
    expect(loadError(data)).toMatch(/areas: expected exactly 5 areas in order CONFLICT_SCREENING, PUBLIC_SERVICE/);
    const fewer = copy();
    fewer.areas.pop();
    expect(loadError(fewer)).toMatch(/got 4:/);
  });

  it('with a malformed street id or duplicate community', () => {
    const data = copy();
    data.streets[0].id = 'not-a-uuid';
    data.streets[1].communities[1].code = data.streets[1].communities[0].code;
    const message = loadError(data);
    expect(message).toContain('streets[0].id: "not-a-uuid" is not a lowercase UUID');
    expect(message).toContain('duplicate community code');
  });

  it('listing every problem at once', () => {
    const data = copy();
    data.situations.pop();
    data.situations[0].leadDepartment = 'missing';
    data.situations[2].code = data.situations[1].code;
    const message = loadError(data);
    expect(message).toMatch(/^Invalid catalog 2026\.1: \d+ problem\(s\):/);
    expect(message).toContain('expected exactly 43 situations, got 42');
    expect(message).toContain('lead department "missing" does not exist');
    expect(message).toContain('duplicate situation code');
  });

  it('that is not an object at all', () => {
    expect(loadError(null)).toContain('catalog: expected an object');
    expect(loadError([])).toContain('catalog: expected an object');
  });

  it('while validateCatalog reports no problems for the bundled data', () => {
    expect(validateCatalog(raw).problems).toEqual([]);
  });
});

describe('levels', () => {
  it('orders LEVELS most urgent first', () => {
    expect(LEVELS).toEqual(['RED', 'YELLOW', 'BLUE']);
    expect(LEVELS.map(levelRank)).toEqual([0, 1, 2]);
  });

  it('raises one level per step, capped at RED', () => {
    expect(raiseLevel('BLUE')).toBe('YELLOW');
    expect(raiseLevel('YELLOW')).toBe('RED');
    expect(raiseLevel('RED')).toBe('RED');
    expect(raiseLevel('BLUE', 2)).toBe('RED');
    expect(raiseLevel('BLUE', 5)).toBe('RED');
    expect(raiseLevel('YELLOW', 0)).toBe('YELLOW');
    expect(() => raiseLevel('BLUE', -1)).toThrow(RangeError);
    expect(() => raiseLevel('BLUE', 1.5)).toThrow(RangeError);
  });

  it('picks the most urgent level', () => {
    expect(mostUrgent('BLUE', 'YELLOW')).toBe('YELLOW');
    expect(mostUrgent('RED', 'YELLOW')).toBe('RED');
    expect(mostUrgent('BLUE')).toBe('BLUE');
    expect(() => levelRank('PURPLE' as Level)).toThrow(RangeError);
  });
});

import { isLevel, LEVELS, type Level } from '@chuishao/contracts';
import { AREA_CODES, isAreaCode, SITUATION_COUNT, type Area, type AreaCode, type CatalogData, type Community, type Department, type Situation, type Street } from './catalog';

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const CODE_RE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Problems {
  readonly list: string[];
  add(message: string): void;
  text(obj: Json, key: string, where: string): string;
  code(obj: Json, key: string, where: string): string;
  uuid(obj: Json, key: string, where: string): string;
  array(obj: Json, key: string, where: string): unknown[];
  objects(obj: Json, key: string, where: string): Array<{ value: Json; where: string }>;
  unique(kind: string, values: Array<{ value: string; where: string }>): void;
}

/** Collects every problem instead of stopping at the first one. */
function problemCollector(): Problems {
  const list: string[] = [];
  const add = (message: string): void => {
    list.push(message);
  };
  const text = (obj: Json, key: string, where: string): string => {
    const v = obj[key];
    if (typeof v !== 'string' || v.trim() === '') {
      add(`${where}.${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
      return '';
    }
    return v;
  };
  const array = (obj: Json, key: string, where: string): unknown[] => {
    const v = obj[key];
    if (!Array.isArray(v)) {
      add(`${where}.${key}: expected an array, got ${JSON.stringify(v)}`);
      return [];
    }
    return v;
  };
  return {
    list,
    add,
    text,
    array,
    code(obj, key, where) {
      const v = text(obj, key, where);
      if (v !== '' && !CODE_RE.test(v)) add(`${where}.${key}: ${JSON.stringify(v)} is not a SCREAMING_SNAKE code`);
      return v;
    },
    uuid(obj, key, where) {
      const v = text(obj, key, where);
      if (v !== '' && !UUID_RE.test(v)) add(`${where}.${key}: ${JSON.stringify(v)} is not a lowercase UUID`);
      return v;
    },
    objects(obj, key, where) {
      const out: Array<{ value: Json; where: string }> = [];
      array(obj, key, where).forEach((item, i) => {
        const at = `${key}[${i}]`;
        if (isObject(item)) out.push({ value: item, where: at });
        else add(`${at}: expected an object, got ${JSON.stringify(item)}`);
      });
      return out;
    },
    unique(kind, values) {
      const seen = new Map<string, string>();
      for (const { value, where } of values) {
        if (value === '') continue;
        const first = seen.get(value);
        if (first !== undefined) add(`duplicate ${kind} ${JSON.stringify(value)} at ${first} and ${where}`);
        else seen.set(value, where);
      }
    },
  };
}

/**
 * Checks catalog data and returns it normalised (known fields only) together with every problem
 * found. Pure; `loadCatalog` throws when `problems` is not empty.
 */
export function validateCatalog(input: unknown): { data: CatalogData; problems: string[] } {
  const p = problemCollector();
  const root: Json = isObject(input) ? input : {};
  if (!isObject(input)) p.add(`catalog: expected an object, got ${JSON.stringify(input)}`);
  const version = p.text(root, 'version', 'catalog');

  // Areas: exactly the five, in order.
  const areas: Area[] = [];
  const areaItems = p.objects(root, 'areas', 'catalog');
  for (const { value, where } of areaItems) {
    const code = p.code(value, 'code', where);
    if (code !== '' && !isAreaCode(code)) p.add(`${where}.code: unknown area ${JSON.stringify(code)}`);
    areas.push({ code: code as AreaCode, name: p.text(value, 'name', where), nameEn: p.text(value, 'nameEn', where) });
  }
  const areaCodes = areas.map((a) => a.code);
  if (areaCodes.length !== AREA_CODES.length || areaCodes.some((c, i) => c !== AREA_CODES[i])) {
    p.add(
      `areas: expected exactly ${AREA_CODES.length} areas in order ${AREA_CODES.join(', ')}; ` +
        `got ${areas.length}: ${areaCodes.join(', ') || '(none)'}`,
    );
  }

  // Departments.
  const departments: Department[] = [];
  for (const { value, where } of p.objects(root, 'departments', 'catalog')) {
    departments.push({
      id: p.uuid(value, 'id', where),
      code: p.code(value, 'code', where),
      name: p.text(value, 'name', where),
      nameEn: p.text(value, 'nameEn', where),
    });
  }
  if (departments.length === 0) p.add('departments: expected at least one department');
  p.unique('department code', departments.map((d, i) => ({ value: d.code, where: `departments[${i}]` })));
  const departmentIds = new Set(departments.map((d) => d.id));

  // Situations.
  const situations: Situation[] = [];
  for (const { value, where } of p.objects(root, 'situations', 'catalog')) {
    const code = p.code(value, 'code', where);
    const label = code || where;
    const area = value['area'];
    if (!isAreaCode(area)) p.add(`situation ${label}: unknown area ${JSON.stringify(area)}`);
    const level = value['defaultLevel'];
    if (!isLevel(level)) p.add(`situation ${label}: bad defaultLevel ${JSON.stringify(level)} (expected ${LEVELS.join('|')})`);
    else if (area === 'EMERGENCY' && level === 'BLUE') p.add(`situation ${label}: EMERGENCY situations are never below YELLOW`);
    const lead = p.text(value, 'leadDepartment', where);
    if (lead !== '' && !departmentIds.has(lead)) p.add(`situation ${label}: lead department ${JSON.stringify(lead)} does not exist`);
    const assists: string[] = [];
    p.array(value, 'assistDepartments', where).forEach((a, i) => {
      if (typeof a !== 'string' || a === '') {
        p.add(`situation ${label}: assistDepartments[${i}] must be a department id, got ${JSON.stringify(a)}`);
        return;
      }
      if (!departmentIds.has(a)) p.add(`situation ${label}: assist department ${JSON.stringify(a)} does not exist`);
      if (a === lead) p.add(`situation ${label}: assistDepartments contains the lead department ${JSON.stringify(a)}`);
      if (assists.includes(a)) p.add(`situation ${label}: assist department ${JSON.stringify(a)} listed twice`);
      assists.push(a);
    });
    situations.push({
      code,
      area: area as AreaCode,
      name: p.text(value, 'name', where),
      nameEn: p.text(value, 'nameEn', where),
      defaultLevel: level as Level,
      leadDepartment: lead,
      assistDepartments: assists,
    });
  }
  if (situations.length !== SITUATION_COUNT) {
    p.add(`situations: expected exactly ${SITUATION_COUNT} situations, got ${situations.length}`);
  }
  p.unique('situation code', situations.map((s, i) => ({ value: s.code, where: `situations[${i}]` })));
  for (const code of AREA_CODES) {
    if (!situations.some((s) => s.area === code)) p.add(`area ${code}: has no situations`);
  }

  // Streets and communities.
  const streets: Street[] = [];
  for (const { value, where } of p.objects(root, 'streets', 'catalog')) {
    const communities: Community[] = [];
    for (const c of p.objects(value, 'communities', where)) {
      const at = `${where}.${c.where}`;
      communities.push({ id: p.uuid(c.value, 'id', at), code: p.code(c.value, 'code', at), name: p.text(c.value, 'name', at) });
    }
    if (communities.length === 0) p.add(`${where}: expected at least one community`);
    p.unique('community code', communities.map((c, i) => ({ value: c.code, where: `${where}.communities[${i}]` })));
    streets.push({
      id: p.uuid(value, 'id', where),
      code: p.code(value, 'code', where),
      name: p.text(value, 'name', where),
      nameEn: p.text(value, 'nameEn', where),
      communities,
    });
  }
  if (streets.length === 0) p.add('streets: expected at least one street');
  p.unique('street code', streets.map((s, i) => ({ value: s.code, where: `streets[${i}]` })));

  // Ids are unique across every kind of entity.
  p.unique('id', [
    ...departments.map((d, i) => ({ value: d.id, where: `departments[${i}]` })),
    ...streets.map((s, i) => ({ value: s.id, where: `streets[${i}]` })),
    ...streets.flatMap((s, i) => s.communities.map((c, j) => ({ value: c.id, where: `streets[${i}].communities[${j}]` }))),
  ]);

  return { data: { version, areas, situations, departments, streets }, problems: p.list };
}


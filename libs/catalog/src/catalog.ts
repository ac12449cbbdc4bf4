/**
 * 吹哨报到目录 — the catalog of call areas (呼叫领域), call situations (呼叫情形), district
 * departments (区直部门) and streets/communities (街道、社区).
 *
 * The catalog is versioned DATA (`data/catalog.v1.json`), validated and deep-frozen once at start;
 * nothing here generates ids (see `tools/generate-ids.js`). Plain types and pure functions only.
 */
import { isLevel, LEVELS, type Level } from '@chuishao/contracts';
import catalogV1 from './data/catalog.v1.json';

// ---------------------------------------------------------------------------------------------
// Areas and levels
// ---------------------------------------------------------------------------------------------

/** The five call areas (呼叫领域), in the order of the source text. */
export const AREA_CODES = ['CONFLICT_SCREENING', 'PUBLIC_SERVICE', 'JOINT_ENFORCEMENT', 'KEY_WORK', 'EMERGENCY'] as const;
export type AreaCode = (typeof AREA_CODES)[number];


/** Number of situations the mechanism defines (五个方面43项呼叫情形). */
export const SITUATION_COUNT = 43;

export function isAreaCode(value: unknown): value is AreaCode {
  return typeof value === 'string' && (AREA_CODES as readonly string[]).includes(value);
}

/** Urgency rank: the index in `LEVELS`, so RED = 0 (most urgent), YELLOW = 1, BLUE = 2. Lower is more urgent. */
export function levelRank(level: Level): number {
  const rank = LEVELS.indexOf(level);
  if (rank < 0) throw new RangeError(`unknown level ${JSON.stringify(level)}`);
  return rank;
}

/** One level up per step (BLUE → YELLOW → RED), capped at RED. `steps` must be a non-negative integer. */
export function raiseLevel(level: Level, steps = 1): Level {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
  return LEVELS[Math.max(0, levelRank(level) - steps)];
}

/** The most urgent of the given levels (e.g. `mostUrgent(level, 'YELLOW')` = "never below YELLOW"). */
export function mostUrgent(first: Level, ...rest: Level[]): Level {
  return rest.reduce<Level>((acc, l) => (levelRank(l) < levelRank(acc) ? l : acc), first);
}

// ---------------------------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------------------------

export interface Area {
  readonly code: AreaCode;
  readonly name: string;
  readonly nameEn: string;
}

export interface Situation {
  /** Stable SCREAMING_SNAKE code, e.g. FIRE_LANE_BLOCKED. */
  readonly code: string;
  readonly area: AreaCode;
  readonly name: string;
  readonly nameEn: string;
  readonly defaultLevel: Level;
  /** Department id (UUID). */
  readonly leadDepartment: string;
  /** Department ids (UUIDs); never contains the lead. */
  readonly assistDepartments: readonly string[];
}

export interface Department {
  /** UUID v5 of `department:<code>`. */
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
}

export interface Community {
  /** UUID v5 of `community:<streetCode>:<code>`. */
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export interface Street {
  /** UUID v5 of `street:<code>`. */
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly communities: readonly Community[];
}

/** The JSON document, `data/catalog.v<N>.json`. */
export interface CatalogData {
  readonly version: string;
  readonly areas: readonly Area[];
  readonly situations: readonly Situation[];
  readonly departments: readonly Department[];
  readonly streets: readonly Street[];
}

/** A validated, deep-frozen catalog plus lookups (all return `undefined` when missing). */
export interface Catalog extends CatalogData {
  area(code: string): Area | undefined;
  situation(code: string): Situation | undefined;
  department(id: string): Department | undefined;
  departmentByCode(code: string): Department | undefined;
  street(id: string): Street | undefined;
  streetByCode(code: string): Street | undefined;
  community(streetId: string, communityId: string): Community | undefined;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const CODE_RE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
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

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function index<T>(items: readonly T[], key: (item: T) => string): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [key(item), item] as const));
}

/**
 * Validates catalog data (default: the bundled `catalog.v1.json`) and returns a deep-frozen
 * catalog with lookups. Throws an Error listing every problem when the data is invalid.
 */
export function loadCatalog(data: unknown = catalogV1): Catalog {
  const { data: clean, problems } = validateCatalog(data);
  if (problems.length > 0) {
    const version = isObject(data) && typeof data['version'] === 'string' ? ` ${data['version']}` : '';
    throw new Error(`Invalid catalog${version}: ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
  const frozen = deepFreeze(clean);
  const areas = index(frozen.areas, (a) => a.code);
  const situations = index(frozen.situations, (s) => s.code);
  const departments = index(frozen.departments, (d) => d.id);
  const departmentsByCode = index(frozen.departments, (d) => d.code);
  const streets = index(frozen.streets, (s) => s.id);
  const streetsByCode = index(frozen.streets, (s) => s.code);
  const communities = new Map(frozen.streets.map((s) => [s.id, index(s.communities, (c) => c.id)] as const));
  const catalog: Catalog = {
    version: frozen.version,
    areas: frozen.areas,
    situations: frozen.situations,
    departments: frozen.departments,
    streets: frozen.streets,
    area: (code) => areas.get(code),
    situation: (code) => situations.get(code),
    department: (id) => departments.get(id),
    departmentByCode: (code) => departmentsByCode.get(code),
    street: (id) => streets.get(id),
    streetByCode: (code) => streetsByCode.get(code),
    community: (streetId, communityId) => communities.get(streetId)?.get(communityId),
  };
  return Object.freeze(catalog);
}

let memo: Catalog | undefined;

/** The bundled catalog, loaded and validated once per process. */
export function defaultCatalog(): Catalog {
  memo ??= loadCatalog();
  return memo;
}

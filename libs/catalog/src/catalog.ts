/**
 * 吹哨报到目录 — the catalog of call areas (呼叫领域), call situations (呼叫情形), district
 * departments (区直部门) and streets/communities (街道、社区).
 *
 * The catalog is versioned DATA (`data/catalog.v1.json`), validated and deep-frozen once at start;
 * nothing here generates ids (see `tools/generate-ids.js`). Plain types and pure functions only.
 */
import { LEVELS, type Level } from '@chuishao/contracts';
import catalogV1 from './data/catalog.v1.json';
import { isObject, validateCatalog } from './catalog.validation';

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

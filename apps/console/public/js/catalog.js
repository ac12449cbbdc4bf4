// The catalog (areas, situations, departments, streets, levels) from GET /api/v1/catalog;
// while that endpoint is not there (404), the console's bundled copy of catalog v1 is used.
import { api, ApiError } from './api.js';
import { AREA_FALLBACK } from './labels.js';

let cached = null;

export async function loadCatalog() {
  if (cached) return cached;
  let data;
  let source = 'api';
  try {
    data = await api('/api/v1/catalog');
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 502 && err.status !== 503)) throw err;
    const res = await fetch('/data/catalog.v1.json', { cache: 'no-store' });
    if (!res.ok) throw err;
    data = await res.json();
    source = 'bundled';
  }
  cached = indexCatalog(data, source);
  return cached;
}

function indexCatalog(data, source) {
  const areas = data.areas ?? Object.entries(AREA_FALLBACK).map(([code, [name, nameEn]]) => ({ code, name, nameEn }));
  const situations = data.situations ?? [];
  const departments = data.departments ?? [];
  const streets = data.streets ?? [];
  const byCode = new Map(situations.map((s) => [s.code, s]));
  const depts = new Map(departments.map((d) => [d.id, d]));
  const strs = new Map(streets.map((s) => [s.id, s]));
  const comms = new Map(streets.flatMap((s) => (s.communities ?? []).map((c) => [c.id, c])));
  const areaMap = new Map(areas.map((a) => [a.code, a]));
  return {
    source,
    areas,
    situations,
    departments,
    streets,
    levels: data.levels ?? [],
    situation: (code) => byCode.get(code),
    department: (id) => depts.get(id),
    street: (id) => strs.get(id),
    community: (id) => comms.get(id),
    area: (code) => areaMap.get(code),
    /** A readable name for any id or code the API returns (department, street, community, situation, area). */
    nameOf: (key) => {
      const k = String(key);
      const x = depts.get(k) ?? strs.get(k) ?? comms.get(k) ?? byCode.get(k) ?? areaMap.get(k);
      return x ? x.name : null;
    },
  };
}

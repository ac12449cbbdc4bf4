import { Open311Error } from './open311-error';

/** A request's fields as GeoReport v2 clients send them: form or JSON, strings where numbers are meant. */
export type Fields = Record<string, unknown>;

export function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Open311Error(400, `${field} 必须是字符串 / ${field} must be a string`);
}

export function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  throw new Open311Error(400, `${field} 必须是数字 / ${field} must be a number`);
}

export function bool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Open311Error(400, `${field} 必须是 true 或 false / ${field} must be true or false`);
}

/** Attributes as `attribute[code]=v` (form or JSON keys) or a JSON object `"attribute": {"code": v}`. */
export function attributesOf(body: Fields): Fields {
  const out: Fields = {};
  const nested = body['attribute'];
  if (nested !== undefined) {
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) throw new Open311Error(400, 'attribute 必须是对象 / attribute must be an object');
    Object.assign(out, nested);
  }
  for (const [k, v] of Object.entries(body)) {
    const m = /^attribute\[([A-Za-z0-9_]+)\]$/.exec(k);
    if (m) out[m[1]] = v;
  }
  return out;
}


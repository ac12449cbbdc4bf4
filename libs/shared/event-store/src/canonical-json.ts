/**
 * Canonical JSON (after RFC 8785 JCS, restricted to what our events contain): object keys sorted
 * by UTF-16 code units, no insignificant white space, `undefined` members dropped, numbers and
 * strings serialised by ECMAScript's JSON.stringify. The same value always yields the same text,
 * whatever the key order it was built or stored with (PostgreSQL jsonb reorders keys).
 *
 * Every event of every service goes through it (its hash, contract §2), so it builds one string
 * by appending, with no intermediate arrays of keys or parts.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += v === undefined ? 'null' : canonicalJson(v);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  // Array.prototype.sort without a comparator compares UTF-16 code units, as JCS wants
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

function scalar(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
  if (typeof value === 'bigint') return value.toString();
  const text = JSON.stringify(value);
  return text === undefined ? 'null' : text;
}

/**
 * Exact decimal arithmetic for the scorecard: every score is a ratio of integers (BigInt) until it
 * is rounded half up, once, to the policy's decimals. Binary floating point never touches a score.
 */
export interface Ratio {
  n: bigint;
  /** Always > 0. */
  d: bigint;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `'0.5'` → 5/10. Throws on anything that is not a plain decimal. */
export function ratio(value: string | number | bigint): Ratio {
  if (typeof value === 'bigint') return { n: value, d: 1n };
  const text = typeof value === 'number' ? String(value) : value;
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  const n = BigInt(m[2] + frac) * (m[1] === '-' ? -1n : 1n);
  return { n, d: 10n ** BigInt(frac.length) };
}

export const ZERO: Ratio = { n: 0n, d: 1n };

export const add = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
export const mul = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.n, d: a.d * b.d });
export function div(a: Ratio, b: Ratio): Ratio {
  if (b.n === 0n) throw new Error('division by zero');
  const sign = b.n < 0n ? -1n : 1n;
  return { n: a.n * b.d * sign, d: a.d * b.n * sign };
}
export const compare = (a: Ratio, b: Ratio): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};

/**
 * Rounds half up (ties away from zero for negatives, i.e. half-up on the magnitude) to `decimals`
 * places and returns the decimal string with exactly `decimals` places: 84.445 → "84.45".
 */
export function roundHalfUp(r: Ratio, decimals = 2): string {
  const negative = r.n < 0n;
  const n = negative ? -r.n : r.n;
  const scale = 10n ** BigInt(decimals);
  const scaled = n * scale;
  let q = scaled / r.d;
  const rem = scaled % r.d;
  if (rem * 2n >= r.d) q += 1n;
  const digits = q.toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  const text = decimals > 0 ? `${int}.${frac}` : int;
  return negative && q !== 0n ? `-${text}` : text;
}

import { canonicalJson } from './canonical-json';
import { chainHash, GENESIS_HASH, verifyChain } from './hash-chain';

const actor = { role: 'street', org: 's1', sub: 'u' };
function chain(n: number) {
  const out = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const body = { eventId: `e${i}`, type: 'T', position: i, occurredAt: '2026-01-01T00:00:00.000Z', actor, data: { i } };
    const hash = chainHash(prev, body);
    out.push({ ...body, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
  it('is independent of key order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it('orders keys by UTF-16 code units (JCS), escapes them as JSON, and writes null for undefined in arrays', () => {
    expect(canonicalJson({ z: 1, é: 2, '😀': 3, A: 4, a: 5, 'q"': 6 })).toBe('{"A":4,"a":5,"q\\"":6,"z":1,"é":2,"😀":3}');
    expect(canonicalJson([undefined, null, true, 'x'])).toBe('[null,null,true,"x"]');
    expect(canonicalJson({ at: new Date('2026-01-01T00:00:00Z'), n: 10n })).toBe('{"at":"2026-01-01T00:00:00.000Z","n":10}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
  it('writes exactly what the definition writes, on random values', () => {
    // the definition, as plainly as it can be said (the function itself avoids its intermediate arrays)
    const definition = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : definition(x))).join(',')}]`;
      const r = v as Record<string, unknown>;
      return `{${Object.keys(r).filter((k) => r[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${definition(r[k])}`).join(',')}}`;
    };
    // a small deterministic generator (no Math.random: a failure must be repeatable)
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const keys = ['a', 'b', 'B', 'é', '中', '😀', 'k"', 'x y', '10', '2', ''];
    const value = (depth: number): unknown => {
      switch (depth > 3 ? rnd(5) : rnd(8)) {
        case 0: return null;
        case 1: return rnd(2) === 0;
        case 2: return rnd(100000) / (rnd(3) + 1) - 500;
        case 3: return `s${rnd(1000)}\n"中${rnd(9)}`;
        case 4: return undefined;
        case 5: return Array.from({ length: rnd(4) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: rnd(6) }, () => [keys[rnd(keys.length)], value(depth + 1)]));
      }
    };
    for (let i = 0; i < 1000; i++) {
      const v = { root: value(0), more: value(1) };
      expect(canonicalJson(v)).toBe(definition(v));
    }
  });
});

describe('hash chain', () => {
  it('accepts an intact chain', () => {
    expect(verifyChain(chain(4))).toEqual({ valid: true, length: 4 });
  });
  it('flags an edited event at its position', () => {
    const c = chain(4);
    c[2] = { ...c[2], data: { i: 99 } };
    expect(verifyChain(c)).toMatchObject({ valid: false, firstBadPosition: 3 });
  });
  it('flags a re-hashed edit at the next event', () => {
    const c = chain(4);
    c[1] = { ...c[1], data: { i: 99 } };
    c[1].hash = chainHash(c[1].prevHash, c[1]);
    expect(verifyChain(c)).toMatchObject({ valid: false, firstBadPosition: 3 });
  });
  it('flags a deletion', () => {
    const c = chain(4);
    c.splice(1, 1);
    expect(verifyChain(c)).toMatchObject({ valid: false, firstBadPosition: 2 });
  });
  it('uses the contract genesis: 64 zeros', () => {
    expect(chain(1)[0].prevHash).toBe('0'.repeat(64));
  });
});

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

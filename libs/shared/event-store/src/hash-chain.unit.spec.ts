import { canonicalJson } from './canonical-json';
import { chainHash, GENESIS_HASH, verifyChain, verifyMerged, type MergedEvent } from './hash-chain';

const actor = { role: 'street', org: 's1', sub: 'u' };
function chain(n: number, ids = (i: number) => `e${i}`) {
  const out = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const body = { eventId: ids(i), type: 'T', position: i, occurredAt: '2026-01-01T00:00:00.000Z', actor, data: { i } };
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
  it('with a head, flags the deletion of the last events, unrecorded events and a head that does not match', () => {
    const c = chain(4);
    expect(verifyChain(c, { length: 4, lastHash: c[3].hash })).toEqual({ valid: true, length: 4 });
    expect(verifyChain(c.slice(0, 3), { length: 4, lastHash: c[3].hash })).toMatchObject({ valid: false, length: 3, firstBadPosition: 4 });
    expect(verifyChain(c.slice(0, 3), { length: 4 })).toMatchObject({ valid: false, firstBadPosition: 4 });
    expect(verifyChain([], { length: 1 })).toMatchObject({ valid: false, firstBadPosition: 1 });
    expect(verifyChain(c, { length: 3, lastHash: c[2].hash })).toMatchObject({ valid: false, firstBadPosition: 4 });
    expect(verifyChain(c, { length: 4, lastHash: c[2].hash })).toMatchObject({ valid: false, firstBadPosition: 4 });
    // a merged stream read after its head may already hold more: not a fault when no last hash is given
    expect(verifyChain(c, { length: 3 })).toEqual({ valid: true, length: 4 });
  });
});

describe('a merged stream against the originals it copies', () => {
  // the original: intake's stream of a whistle, events o1..o3; the merged stream: o1, x (another
  // service), o2, o3, chained anew with its own positions
  function setup() {
    const original = chain(3, (i) => `o${i}`);
    const bodies = [original[0], { ...original[0], eventId: 'x', type: 'X' }, original[1], original[2]];
    const merged: MergedEvent[] = [];
    let prev = GENESIS_HASH;
    bodies.forEach((b, k) => {
      const body = { ...b, position: k + 1 };
      const hash = chainHash(prev, body);
      merged.push({ ...body, prevHash: prev, hash, source: b.eventId === 'x' ? 'dispatch' : 'intake' });
      prev = hash;
    });
    return { original, merged, head: { length: 3, lastHash: original[2].hash } };
  }
  const rehash = (c: Array<{ hash: string; prevHash: string } & Parameters<typeof chainHash>[1]>) => {
    let prev = GENESIS_HASH;
    for (const e of c) {
      e.prevHash = prev;
      e.hash = chainHash(prev, e);
      prev = e.hash;
    }
    return prev;
  };

  it('is valid when both hold and agree', () => {
    const { original, merged, head } = setup();
    expect(verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: original, head }])).toEqual({ valid: true, length: 4 });
    // an original event not merged yet is no fault
    const more = chain(4, (i) => `o${i}`);
    expect(verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: more, head: { length: 4, lastHash: more[3].hash } }])).toEqual({ valid: true, length: 4 });
  });
  it('flags an edit of the original at the position of its copy', () => {
    const { original, merged, head } = setup();
    original[1] = { ...original[1], data: { i: 99 } };
    const v = verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: original, head }]);
    expect(v).toMatchObject({ valid: false, length: 4, firstBadPosition: 3 });
    expect(v.reason).toBe("intake 自身存储的事件流第 2 个事件：hash 与事件内容不符 / intake's own stored stream, its event 2: hash does not match the event content");
  });
  it('flags an original edited and re-hashed, head and all, where its copy differs', () => {
    const { original, merged } = setup();
    original[2] = { ...original[2], data: { i: 99 } };
    const lastHash = rehash(original);
    const v = verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: original, head: { length: 3, lastHash } }]);
    expect(v).toMatchObject({ valid: false, firstBadPosition: 4 });
    expect(v.reason).toContain('differs');
  });
  it('flags an original event deleted, in the middle or at the end, at its copy', () => {
    const { original, merged, head } = setup();
    expect(verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: [original[0], original[2]], head }])).toMatchObject({ valid: false, firstBadPosition: 3 });
    expect(verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: original.slice(0, 2), head }])).toMatchObject({ valid: false, firstBadPosition: 4 });
    // deleted and the rest re-chained with the head: still missing from the original
    const shortened = [original[0], { ...original[2], position: 2 }];
    const lastHash = rehash(shortened);
    expect(verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: shortened, head: { length: 2, lastHash } }])).toMatchObject({ valid: false, firstBadPosition: 3 });
  });
  it('flags an original event that is not merged yet, just past the end', () => {
    const { merged } = setup();
    const more = chain(4, (i) => `o${i}`);
    more[3] = { ...more[3], data: { i: 99 } };
    expect(verifyMerged(merged, { length: 4 }, [{ source: 'intake', events: more, head: { length: 4, lastHash: more[3].hash } }])).toMatchObject({ valid: false, firstBadPosition: 5 });
  });
  it('compares originals found by id (no head) copy by copy, without taking them for a chain', () => {
    const { original, merged } = setup();
    const x = { ...merged[1], position: 7 }; // the other service's original, at its own position
    const found = [{ source: 'intake', events: [original[2], original[0], original[1]] }, { source: 'dispatch', events: [x] }]; // in no order
    expect(verifyMerged(merged, { length: 4 }, found)).toEqual({ valid: true, length: 4 });
    expect(verifyMerged(merged, { length: 4 }, [found[0], { source: 'dispatch', events: [{ ...x, data: { i: 1, forged: true } }] }])).toMatchObject({
      valid: false,
      firstBadPosition: 2,
      reason: "该事件与 dispatch 自身存储的原件不符 / the event differs from dispatch's own stored original",
    });
    expect(verifyMerged(merged, { length: 4 }, [found[0], { source: 'dispatch', events: [] }])).toMatchObject({
      valid: false,
      firstBadPosition: 2,
      reason: "该事件已不在 dispatch 自身的存储中 / the event is no longer in dispatch's own store",
    });
  });
  it('flags the merged stream itself: an edit, and its last event deleted', () => {
    const { original, merged, head } = setup();
    const edited = merged.map((e) => (e.eventId === 'x' ? { ...e, data: { i: 7 } } : e));
    expect(verifyMerged(edited, { length: 4 }, [{ source: 'intake', events: original, head }])).toMatchObject({ valid: false, firstBadPosition: 2 });
    expect(verifyMerged(merged.slice(0, 3), { length: 4 })).toMatchObject({ valid: false, length: 3, firstBadPosition: 4 });
    // the last event deleted is also gone from what the original's copies say: the earliest fault wins
    expect(verifyMerged(merged.slice(0, 3), { length: 4 }, [{ source: 'intake', events: original, head }])).toMatchObject({ valid: false, firstBadPosition: 4 });
  });
});

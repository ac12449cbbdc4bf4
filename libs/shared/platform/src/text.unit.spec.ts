import fc from 'fast-check';
import { MAX_JSON_DEPTH, normaliseText, normaliseTextTree, textProblem, textProblems, TEXT_MESSAGES } from './text';

const decomposedE = 'e\u0301'; // e + COMBINING ACUTE ACCENT → é (U+00E9) in NFC

function nested(depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

describe('normaliseText', () => {
  it('trims (ASCII and ideographic spaces) and composes to NFC', () => {
    expect(normaliseText(`  caf${decomposedE}\u3000`)).toBe('café');
    expect(normaliseText('     ')).toBe('');
    expect(normaliseText('已处理')).toBe('已处理');
  });
});

describe('textProblem', () => {
  it.each([
    ['a\u0000b', TEXT_MESSAGES.nul],
    ['\uD800', TEXT_MESSAGES.surrogate],
    ['x\uDC00', TEXT_MESSAGES.surrogate],
    ['\uDC00\uD800', TEXT_MESSAGES.surrogate],
  ])('refuses %j', (s, message) => {
    expect(textProblem(s)).toBe(message);
  });

  it('accepts a paired surrogate (an emoji), control characters other than NUL and empty text', () => {
    expect(textProblem('火 🔥 \t\n\u0001')).toBeUndefined();
    expect(textProblem('')).toBeUndefined();
  });
});

describe('normaliseTextTree', () => {
  it('normalises every string value and key in a copy, leaving the input and non-strings alone', () => {
    const input = { ' title ': ` caf${decomposedE} `, location: { address: ' 福缘里 3 号 ', lat: 39.1 }, attachments: [{ url: ' https://x/1 ' }], n: null, b: true };
    const out = normaliseTextTree(input);
    expect(out).toEqual({
      value: { title: 'café', location: { address: '福缘里 3 号', lat: 39.1 }, attachments: [{ url: 'https://x/1' }], n: null, b: true },
      problems: [],
      forbiddenKeys: [],
      tooDeep: false,
    });
    expect(Object.keys(out.value as object)).toEqual(['title', 'location', 'attachments', 'n', 'b']);
    expect(input[' title ']).toBe(` caf${decomposedE} `);
  });

  it('names every field holding U+0000 or a lone surrogate, dotted and indexed', () => {
    const out = normaliseTextTree({ description: 'a\u0000', location: { address: '\uD800' }, attachments: [{ url: 'ok' }, { url: 'x\uDFFF' }] });
    expect(out.problems).toEqual([
      { field: 'description', message: TEXT_MESSAGES.nul },
      { field: 'location.address', message: TEXT_MESSAGES.surrogate },
      { field: 'attachments[1].url', message: TEXT_MESSAGES.surrogate },
    ]);
  });

  it('names a bad key with the bad characters shown as U+FFFD, and refuses __proto__ as a key', () => {
    const out = normaliseTextTree(JSON.parse('{"a\\u0000":1, "x": {" __proto__ ": {"polluted": true}}}'));
    expect(out.problems).toEqual([{ field: 'a\uFFFD', message: TEXT_MESSAGES.keyNul }]);
    expect(out.forbiddenKeys).toEqual([{ field: 'x.__proto__', message: TEXT_MESSAGES.forbiddenKey }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // the copy has it as an own property, not as its prototype
    const x = (out.value as { x: object }).x;
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
  });

  it('a top-level string, array or scalar is named after the root', () => {
    expect(normaliseTextTree(' a ').value).toBe('a');
    expect(normaliseTextTree('\u0000').problems).toEqual([{ field: 'body', message: TEXT_MESSAGES.nul }]);
    expect(normaliseTextTree(['ok', '\u0000'], { rootName: 'query' }).problems).toEqual([{ field: 'query[1]', message: TEXT_MESSAGES.nul }]);
    expect(normaliseTextTree(42).value).toBe(42);
    expect(normaliseTextTree(null).value).toBeNull();
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses ${MAX_JSON_DEPTH + 1}`, () => {
    expect(normaliseTextTree(nested(MAX_JSON_DEPTH)).tooDeep).toBe(false);
    expect(normaliseTextTree(nested(MAX_JSON_DEPTH + 1)).tooDeep).toBe(true);
    expect(normaliseTextTree(nested(3), { maxDepth: 2 }).tooDeep).toBe(true);
  });

  it('walks 200,000 levels without recursion', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000));
    expect(normaliseTextTree(deep).tooDeep).toBe(true);
    expect(textProblems(JSON.parse('['.repeat(200_000) + '"\\u0000"' + ']'.repeat(200_000)))).toHaveLength(1);
  });

  it('keeps objects that are not plain (a Buffer) as they are', () => {
    const buf = Buffer.from(' x ');
    expect(normaliseTextTree({ buf }).value).toEqual({ buf });
  });

  it('lists at most 20 problems', () => {
    expect(textProblems(Array.from({ length: 100 }, () => '\u0000'))).toHaveLength(20);
  });

  // properties: whatever the JSON value, the walk never throws, its output is normalised, has no
  // text the store cannot hold unless it is reported, and is idempotent
  const anyJson = fc.jsonValue({ maxDepth: 6 });
  const oddText = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', '\uD800', '\uDC00', '   ', ` ${decomposedE} `));
  const oddJson = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, oddText, fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('node')), fc.dictionary(oddText, tie('node'))),
  })).node;

  it('property: a normalised tree is idempotent and holds only normalised, storable text', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, oddJson), (v) => {
        const out = normaliseTextTree(v);
        if (out.tooDeep) return;
        if (out.problems.length > 0) return;
        const again = normaliseTextTree(out.value);
        expect(again.value).toEqual(out.value);
        const strings: string[] = [];
        JSON.stringify(out.value, (k, x) => {
          if (k) strings.push(k);
          if (typeof x === 'string') strings.push(x);
          return x;
        });
        for (const s of strings) {
          expect(s).toBe(normaliseText(s));
          expect(textProblem(s)).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: a string with U+0000 or a lone surrogate anywhere is always reported', () => {
    fc.assert(
      fc.property(anyJson, fc.constantFrom('\u0000', '\uD83D', '\uDE00'), fc.string(), (v, bad, s) => {
        const withBad = { wrapped: v, [`k${s}`]: [`${s}${bad}`] };
        expect(textProblems(withBad).length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { normaliseReply, parseReply, replyProblem } from './reply-message.schema';
import { departmentOfTopic } from './department-replies.kafka.controller';
import { REPLY_EXAMPLES } from '@chuishao/dispatch-contracts';

const ok = { replyId: 'r-1', assignmentId: '6f1c2a3b-1111-4222-8333-944455556666', type: 'REPORT' };

describe('reply schema', () => {
  it('accepts the contract shape, with or without the optional fields', () => {
    expect(replyProblem(ok)).toBeUndefined();
    expect(replyProblem({ ...ok, at: '2026-11-25T16:05:00+08:00', by: { name: '王建国' }, note: null, result: null, extra: 1 })).toBeUndefined();
  });

  it.each([
    ['not an object', [1, 2], /JSON object/],
    ['no replyId', { ...ok, replyId: undefined }, /replyId is required/],
    ['replyId with spaces', { ...ok, replyId: 'a b' }, /replyId must be/],
    ['assignmentId not a UUID', { ...ok, assignmentId: '42' }, /UUID/],
    ['unknown type', { ...ok, type: 'DONE' }, /type must be one of/],
    ['at not a date-time', { ...ok, at: 'yesterday' }, /at must be/],
    ['by not an object', { ...ok, by: '王' }, /by must be/],
    ['note not a string', { ...ok, note: 5 }, /note must be/],
    ['result too long', { ...ok, result: 'x'.repeat(4001) }, /result must be at most/],
  ])('refuses %s', (_name, value, reason) => {
    expect(replyProblem(value)).toMatch(reason);
  });

  it.each([
    ['NUL in the note', { ...ok, type: 'DISPUTE', note: '不归我局\u0000' }, /^note: .*U\+0000/],
    ['a lone surrogate in by.name', { ...ok, by: { name: '王\uD800' } }, /^by\.name: .*unpaired surrogate/],
    ['NUL in a field of its own', { ...ok, extra: { list: ['ok', 'x\u0000'] } }, /^extra\.list\[1\]: .*U\+0000/],
    ['NUL in a key', { ...ok, 'k\u0000': 1 }, /^k\uFFFD: /],
    ['NUL in the replyId', { ...ok, replyId: 'r\u0000' }, /^replyId: /],
    ['a message nested 65 deep', { ...ok, extra: JSON.parse('['.repeat(64) + ']'.repeat(64)) }, /nested deeper than 64/],
  ])('refuses %s, naming the field (the reason for the rejected topic)', (_name, value, reason) => {
    expect(replyProblem(value)).toMatch(reason);
  });

  it('trims and NFC-normalises the texts before the length and required rules', () => {
    const decomposed = 'e\u0301';
    expect(parseReply({ ...ok, type: 'DISPUTE', note: `  caf${decomposed} `, by: { name: ' 王建国\u3000' }, result: '\t' }).reply).toMatchObject({
      note: 'café',
      by: { name: '王建国' },
      result: null,
    });
    // a DISPUTE note of five spaces is no note: null, which the decider refuses (NOTE_REQUIRED)
    expect(parseReply({ ...ok, type: 'DISPUTE', note: '     ' }).reply?.note).toBeNull();
    // 4000 characters once trimmed pass; 4001 do not
    expect(replyProblem({ ...ok, note: `  ${'x'.repeat(4000)}  ` })).toBeUndefined();
    expect(replyProblem({ ...ok, note: `  ${'x'.repeat(4001)}  ` })).toMatch(/note must be at most 4000/);
    expect(parseReply({ ...ok, replyId: ' r-1 ' }).reply?.replyId).toBe('r-1');
  });

  it('property: any message either parses to normalised, storable texts or is refused with a reason; it never throws', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', '\uD800', '     ', 'e\u0301'));
    const reply = fc.record(
      {
        replyId: fc.oneof(text, fc.constant('r-1')),
        assignmentId: fc.constantFrom(ok.assignmentId, 'nope'),
        type: fc.constantFrom('REPORT', 'DISPUTE', 'COMPLETE', 'X'),
        at: fc.oneof(fc.constant(null), text),
        by: fc.oneof(fc.constant(null), fc.record({ name: fc.oneof(text, fc.integer()) })),
        note: fc.oneof(fc.constant(null), text, fc.integer()),
        result: fc.oneof(fc.constant(null), text),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(reply, fc.jsonValue()), (value) => {
        const parsed = parseReply(value);
        if (parsed.problem !== undefined) {
          expect(parsed.problem.length).toBeGreaterThan(0);
          return;
        }
        for (const t of [parsed.reply.note, parsed.reply.result, parsed.reply.by?.name]) {
          if (t === null || t === undefined) continue;
          expect(t).toBe(t.normalize('NFC').trim());
          expect(t).not.toBe('');
          expect(/\u0000|[\uD800-\uDFFF]/.test(t.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('normalises absent fields to null and lower-cases the assignment id', () => {
    expect(normaliseReply({ ...ok, assignmentId: ok.assignmentId.toUpperCase(), type: 'REPORT', by: { name: '  ' } })).toEqual({
      ...ok,
      at: null,
      by: null,
      note: null,
      result: null,
      extension: null,
    });
  });

  it('EXTENSION (延期申请, contract §11): kind and until are required, the reason is trimmed and NFC-normalised (blank = null, which the decider refuses)', () => {
    const ext = { ...ok, type: 'EXTENSION', kind: 'COMPLETE', until: '2026-11-27T16:00:00+08:00', reason: '  需等待配件到货  ' };
    expect(replyProblem(ext)).toBeUndefined();
    expect(parseReply(ext).reply?.extension).toEqual({ kind: 'COMPLETE', until: '2026-11-27T16:00:00+08:00', reason: '需等待配件到货' });
    expect(parseReply({ ...ext, reason: ' \u3000 ' }).reply?.extension?.reason).toBeNull();
    expect(parseReply({ ...ext, reason: 'cafe\u0301' }).reply?.extension?.reason).toBe('café');
    expect(replyProblem({ ...ext, kind: 'REPORT' })).toMatch(/kind is required for EXTENSION/);
    expect(replyProblem({ ...ext, kind: undefined })).toMatch(/kind is required for EXTENSION/);
    expect(replyProblem({ ...ext, until: 'tomorrow' })).toMatch(/until is required for EXTENSION/);
    expect(replyProblem({ ...ext, until: '2026-11-27T16:00:00' })).toMatch(/until is required/); // no offset
    expect(replyProblem({ ...ext, reason: 7 })).toMatch(/reason must be a string/);
    expect(replyProblem({ ...ext, reason: 'x'.repeat(2001) })).toMatch(/reason must be at most 2000/);
    expect(replyProblem({ ...ext, reason: '理由\u0000' })).toMatch(/^reason: .*U\+0000/);
    // the fields mean nothing on another type: ignored
    expect(parseReply({ ...ok, kind: 'X', until: 'never' }).reply?.extension).toBeNull();
  });

  it('takes the department from the topic, with or without a prefix', () => {
    expect(departmentOfTopic('chuishao.dept.abc.replies')).toBe('abc');
    expect(departmentOfTopic('t-x-1a2b3c.chuishao.dept.abc.replies')).toBe('abc');
    expect(departmentOfTopic('chuishao.dept.abc.replies.rejected')).toBeUndefined();
  });
});

describe('the published contract agrees with the consumer', () => {
  it('accepts every example reply of the contract (the bus document shows them)', () => {
    expect(REPLY_EXAMPLES.length).toBeGreaterThan(0);
    for (const example of REPLY_EXAMPLES) expect(replyProblem(example)).toBeUndefined();
  });
});

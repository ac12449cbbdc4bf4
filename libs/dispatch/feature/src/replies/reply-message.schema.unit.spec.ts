import { normaliseReply, replyProblem } from './reply-message.schema';
import { departmentOfTopic } from './department-replies.kafka.controller';

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

  it('normalises absent fields to null and lower-cases the assignment id', () => {
    expect(normaliseReply({ ...ok, assignmentId: ok.assignmentId.toUpperCase(), type: 'REPORT', by: { name: '  ' } })).toEqual({
      ...ok,
      at: null,
      by: null,
      note: null,
      result: null,
    });
  });

  it('takes the department from the topic, with or without a prefix', () => {
    expect(departmentOfTopic('chuishao.dept.abc.replies')).toBe('abc');
    expect(departmentOfTopic('t-x-1a2b3c.chuishao.dept.abc.replies')).toBe('abc');
    expect(departmentOfTopic('chuishao.dept.abc.replies.rejected')).toBeUndefined();
  });
});

describe('the published schemas (docs/schemas) agree with the code', () => {
   
  const load = (name: string) => require(`../../../../../docs/schemas/${name}`) as { examples?: unknown[]; properties?: Record<string, unknown>; $defs?: Record<string, unknown> };

  it('every example reply of reply.json is valid for the consumer', () => {
    const schema = load('reply.json');
    expect(schema.examples?.length).toBeGreaterThan(0);
    for (const example of schema.examples ?? []) expect(replyProblem(example)).toBeUndefined();
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(['assignmentId', 'at', 'by', 'note', 'replyId', 'result', 'type']);
  });

  it('assignment.json names every message type of the department topics', () => {
    const schema = load('assignment.json');
    const types = Object.values(schema.$defs ?? {})
      .map((d) => (d as { properties?: { type?: { const?: string } } }).properties?.type?.const)
      .filter(Boolean)
      .sort();
    expect(types).toEqual(['CANCELLED', 'CLOSED', 'DEADLINES_CHANGED', 'DISPUTE_RESOLVED', 'OVERDUE', 'REOPENED', 'SUMMONED']);
    for (const name of ['rejected.json', 'envelope.json', 'dispatch-events.json']) expect(load(name)).toBeTruthy();
  });
});

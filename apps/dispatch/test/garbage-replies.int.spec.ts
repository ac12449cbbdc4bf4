import { randomUUID } from 'node:crypto';
import { departmentTopics } from '@chuishao/contracts';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, dept, eventTypes, TopicTap } from './dispatch-test-kit';

const FIRE = dept('FIRE_RESCUE');
const URBAN = dept('URBAN_MANAGEMENT');

describe('dispatch: 1,000 garbage replies', () => {
  let svc: ServiceUnderTest;
  let tap: TopicTap;

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_garbage' });
    tap = await new TopicTap(svc).start([svc.messaging.topic(departmentTopics(FIRE).rejected)]);
  });
  afterAll(async () => {
    await tap.stop();
    await svc.stop();
  });

  it('leaves the consumer healthy: every one on the rejected topic with a reason, and a valid reply after them is applied', async () => {
    const whistleId = await blowAndTriage(svc, { requestedDepartments: [FIRE, URBAN] });
    const rows = await eventually(async () => {
      const r = await assignmentsOf(svc, whistleId);
      return r.length === 2 ? r : undefined;
    });
    const mine = rows.find((r) => r.department_id === FIRE)!;
    const theirs = rows.find((r) => r.department_id === URBAN)!;
    // Out-of-order garbage goes to another whistle's assignment that is never reported (partitions
    // run concurrently: a COMPLETE could otherwise land after the valid REPORT below and be valid).
    const other = await blowAndTriage(svc, { requestedDepartments: [FIRE] });
    const [unreported] = await eventually(async () => {
      const r = await assignmentsOf(svc, other);
      return r.length === 1 ? r : undefined;
    });

    const kinds = [
      (i: number) => `{"replyId":"g${i}","assignmentId":`, // malformed JSON
      (i: number) => JSON.stringify({ replyId: `g${i}`, assignmentId: mine.id, type: 'FINISHED' }), // schema: unknown type
      (i: number) => JSON.stringify({ replyId: `g${i}`, assignmentId: theirs.id, type: 'REPORT' }), // another department's assignment
      (i: number) => JSON.stringify({ replyId: `g${i}`, assignmentId: unreported.id, type: 'COMPLETE', result: '已办结' }), // COMPLETE before REPORT
      (i: number) => JSON.stringify({ replyId: `g${i}`, assignmentId: randomUUID(), type: 'REPORT' }), // unknown assignment
    ];
    const garbage = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 7}`, value: kinds[i % kinds.length](i) }));
    const topic = svc.messaging.topic(departmentTopics(FIRE).replies);
    const started = Date.now();
    for (let i = 0; i < garbage.length; i += 250) {
      await svc.messaging.producer.send({ topic, acks: -1, messages: garbage.slice(i, i + 250) });
    }
    await svc.messaging.producer.send({
      topic,
      acks: -1,
      messages: [{ key: whistleId, value: JSON.stringify({ replyId: 'valid-1', assignmentId: mine.id, type: 'REPORT', by: { name: '赵六' } }) }],
    });

    await eventually(async () => ((await eventTypes(svc, whistleId)).includes('DepartmentReported') ? true : undefined), 240000, 200);
    await eventually(async () => (tap.messages.length >= 1000 ? true : undefined), 240000, 200);
     
    console.log(`1,000 garbage replies rejected in ${Date.now() - started} ms`);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives
    expect(tap.messages).toHaveLength(1000);
    const rejected = tap.messages.map((m) => JSON.parse(m.value) as { reason: string; original: string });
    expect(rejected.every((r) => typeof r.reason === 'string' && r.reason.length > 0)).toBe(true);
    expect(new Set(rejected.map((r) => r.original))).toEqual(new Set(garbage.map((g) => g.value)));
    const reasons = new Set(rejected.map((r) => r.reason.replace(/ [0-9a-f-]{36}$/, '')));
    expect(reasons).toEqual(
      new Set([
        'malformed JSON',
        'schema violation: type must be one of REPORT, ARRIVE, PROGRESS, DISPUTE, COMPLETE, EXTENSION',
        `assignment ${theirs.id} belongs to another department`,
        'COMPLETE before REPORT',
        'unknown assignment',
      ]),
    );
    expect(await eventTypes(svc, whistleId)).toEqual(['DepartmentsSummoned', 'DepartmentReported']);
    const health = await svc.inject('GET', '/health');
    expect(health.status).toBe(200);
  }, 300000);
});

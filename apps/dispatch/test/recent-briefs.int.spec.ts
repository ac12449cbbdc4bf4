import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { TOPICS } from '@chuishao/contracts';
import type { Envelope } from '@chuishao/messaging';
import { eventually, pausedSecondMember, startServiceForTest, whistleBlownData, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { catalog, envelope, RED_SLA } from './dispatch-test-kit';

/**
 * ADR 0018: dispatch summons a triaged whistle with no load statement when the whistle's brief was
 * written by its consumer in its current group generation; a fact about the whistle, or a new
 * generation, sends it back to the database. On real Kafka (a second member of dispatch's group)
 * and PostgreSQL.
 */
describe("dispatch's briefs in memory follow the whistle's facts and the group's generations (real Kafka and PostgreSQL)", () => {
  let svc: ServiceUnderTest;
  let other: Consumer | undefined;
  const situation = catalog.situation('FIRE_LANE_BLOCKED')!;
  const streetId = catalog.streets[0].id;
  const topic = () => svc.messaging.topic(TOPICS.whistleEvents);

  const loads = async (source: 'memory' | 'database'): Promise<number> => {
    const body = (await svc.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = body.split('\n').find((l) => l.startsWith('chuishao_dispatch_summon_loads_total{') && l.includes(`source="${source}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const blownEnv = (whistleId: string) =>
    envelope('WhistleBlown', whistleId, whistleBlownData({ whistleId, streetId, situationCode: situation.code, area: situation.area, title: '消防通道堵塞', address: '福缘里 9 号' }), 'intake');
  const triagedEnv = (whistleId: string) =>
    envelope('WhistleTriaged', whistleId, { whistleId, streetId, situationCode: situation.code, area: situation.area, level: 'RED', policyVersion: 1, rules: [], sla: RED_SLA, requestedDepartments: [] }, 'triage');
  const send = (env: Envelope) => svc.messaging.producer.send({ topic: topic(), acks: -1, messages: [{ key: env.whistleId, value: JSON.stringify(env) }] });
  const handled = (env: Envelope) =>
    eventually(async () => ((await svc.dataSource.query(`SELECT 1 FROM inbox WHERE message_id = $1`, [env.eventId])).length === 1 ? true : undefined), 30000);
  const summonses = async (whistleId: string): Promise<number> =>
    (await svc.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'DepartmentsSummoned'`, [`whistle-${whistleId}`]))[0].n;
  const deliver = async (env: Envelope) => {
    await send(env);
    await handled(env);
  };
  /** A whistle blown (its brief written and held), then triaged in a later batch. */
  const blowThenTriage = async () => {
    const whistleId = randomUUID();
    await deliver(blownEnv(whistleId));
    await deliver(triagedEnv(whistleId));
    return whistleId;
  };

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_recent_briefs' });
  });
  afterAll(async () => {
    await other?.disconnect().catch(() => undefined);
    await svc?.stop();
  });

  it('summons a whistle whose brief it wrote in this generation without loading it', async () => {
    // the first messages may come before the consumer's generation is known
    await eventually(async () => {
      const before = await loads('memory');
      await blowThenTriage();
      return (await loads('memory')) > before;
    }, 60000, 0);
    const before = await loads('memory');
    const whistleId = await blowThenTriage();
    expect(await loads('memory')).toBe(before + 1);
    expect(await summonses(whistleId)).toBe(1);
    const assignments: Array<{ n: number }> = await svc.dataSource.query(`SELECT count(*)::int AS n FROM assignments WHERE whistle_id = $1`, [whistleId]);
    expect(assignments[0].n).toBeGreaterThan(0);
  }, 90000);

  it('a whistle withdrawn after its brief was held is not summoned: the fact drops the brief, and the database has the phase', async () => {
    const whistleId = randomUUID();
    const blown = blownEnv(whistleId);
    await deliver(blown);
    const withdrawn = envelope('WhistleWithdrawn', whistleId, { whistleId, reason: '误报' }, 'intake');
    await deliver(withdrawn);
    const before = await loads('database');
    const triaged = triagedEnv(whistleId);
    await deliver(triaged);
    expect(await loads('database')).toBe(before + 1);
    expect(await summonses(whistleId)).toBe(0);
  });

  it('a whistle that has a stream already (a second WhistleTriaged after its brief came again) is summoned once: the statement writes nothing and the batch is handled message by message', async () => {
    const whistleId = await blowThenTriage();
    expect(await summonses(whistleId)).toBe(1);
    // its WhistleBlown delivered again as a new message: the brief is held again, the stream exists
    const again = blownEnv(whistleId);
    await deliver(again);
    const before = await loads('memory');
    const second = triagedEnv(whistleId);
    await deliver(second);
    expect(await loads('memory')).toBeGreaterThan(before); // tried from memory first
    expect(await summonses(whistleId)).toBe(1);
  });

  it('after another member held the partition (a new generation), the brief is read from the database, with what was changed meanwhile', async () => {
    const groupId = svc.messaging.consumerGroupId('events');
    // a whistle blown while dispatch is alone: its brief is held
    const whistleId = randomUUID();
    const blown = blownEnv(whistleId);
    await deliver(blown);
    // a second member joins and holds its share of the partitions, paused
    const second = await pausedSecondMember(svc.messaging.admin, groupId, topic());
    other = second.consumer;
    expect(second.mine.length).toBeGreaterThan(0);
    // meanwhile the whistle's brief changes elsewhere (as another dispatch instance would apply a withdrawal)
    await svc.dataSource.query(`UPDATE whistle_briefs SET phase = 'WITHDRAWN' WHERE whistle_id = $1`, [whistleId]);
    await other.disconnect();
    other = undefined;
    await eventually(async () => {
      const { groups } = await svc.messaging.admin.describeGroups([groupId]);
      return groups[0].state === 'Stable' && groups[0].members.length === 1 ? true : undefined;
    }, 60000, 200);
    // dispatch alone again, in a later generation: the held brief is gone, the database's is read
    const before = await loads('database');
    const triaged = triagedEnv(whistleId);
    await deliver(triaged);
    expect(await loads('database')).toBe(before + 1);
    expect(await summonses(whistleId)).toBe(0);
  }, 180000);
});

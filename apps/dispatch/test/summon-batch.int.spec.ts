import { randomUUID } from 'node:crypto';
import { TOPICS } from '@chuishao/contracts';
import type { Envelope } from '@chuishao/messaging';
import { eventually, startServiceForTest, whistleBlownData, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { catalog, envelope, RED_SLA } from './dispatch-test-kit';

/**
 * A consumer batch's blown and triaged whistles are written together at its end (ADR 0010); a
 * withdrawal in the middle of the batch must still see the briefs of the messages before it, or a
 * whistle withdrawn before it was triaged would be summoned.
 */
describe('dispatch: summonses of a whole batch (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_batch' });
  });
  afterAll(() => svc?.stop());

  it('summons every triaged whistle once, in fewer transactions than whistles, and not the ones withdrawn earlier in the batch', async () => {
    const situation = catalog.situation('FIRE_LANE_BLOCKED')!;
    const streetId = catalog.streets[0].id;
    const withdrawnAt = new Set([5, 17]);
    const whistles = Array.from({ length: 24 }, (_, k) => ({ k, whistleId: randomUUID() }));
    const messages: Envelope[] = whistles.flatMap(({ k, whistleId }) => {
      const blown = envelope(
        'WhistleBlown',
        whistleId,
        whistleBlownData({ whistleId, streetId, situationCode: situation.code, area: situation.area, title: `批量 ${k}`, address: `福缘里 ${k} 号`, normalisedAddress: `福缘里${k}号` }),
        'intake',
      );
      const triaged = envelope('WhistleTriaged', whistleId, {
        whistleId,
        streetId,
        situationCode: situation.code,
        area: situation.area,
        level: 'RED',
        policyVersion: 1,
        rules: [],
        sla: RED_SLA,
        requestedDepartments: [],
      }, 'triage');
      return withdrawnAt.has(k) ? [blown, envelope('WhistleWithdrawn', whistleId, { whistleId, reason: '误报' }, 'intake'), triaged] : [blown, triaged];
    });
    // one partition, one send: the consumer fetches them in one or a few batches
    await svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      acks: -1,
      messages: messages.map((m) => ({ key: 'one-partition', value: JSON.stringify(m) })),
    });
    const ids = whistles.map((w) => w.whistleId);
    await eventually(async () => {
      const [{ n }] = await svc.dataSource.query(`SELECT count(*)::int AS n FROM inbox WHERE message_id = ANY($1)`, [messages.map((m) => m.eventId)]);
      return n === messages.length ? true : undefined;
    });
    const events: Array<{ stream_id: string; type: string; tx: string }> = await svc.dataSource.query(
      `SELECT stream_id, type, xmin::text AS tx FROM events WHERE stream_id = ANY($1)`,
      [ids.map((id) => `whistle-${id}`)],
    );
    const summoned = whistles.filter((w) => !withdrawnAt.has(w.k));
    expect(events.filter((e) => e.type === 'DepartmentsSummoned').map((e) => e.stream_id).sort()).toEqual(summoned.map((w) => `whistle-${w.whistleId}`).sort());
    // besides the summonses, only the closings of the withdrawn, recorded in their own streams (ADR 0023)
    expect(events.filter((e) => e.type !== 'DepartmentsSummoned').map((e) => `${e.type} ${e.stream_id}`).sort()).toEqual(
      whistles.filter((w) => withdrawnAt.has(w.k)).map((w) => `WhistleClosed whistle-${w.whistleId}`).sort(),
    );
    expect(new Set(events.map((e) => e.tx)).size).toBeLessThan(summoned.length);
    // every summoned whistle has its assignments, each with its three deadlines; the withdrawn have none
    const assignments: Array<{ whistle_id: string; deadlines: number }> = await svc.dataSource.query(
      `SELECT a.whistle_id, (SELECT count(*)::int FROM deadlines d WHERE d.assignment_id = a.id) AS deadlines FROM assignments a WHERE a.whistle_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(new Set(assignments.map((a) => a.whistle_id))).toEqual(new Set(summoned.map((w) => w.whistleId)));
    expect(assignments.every((a) => a.deadlines === 3)).toBe(true);
    const phases: Array<{ whistle_id: string; phase: string }> = await svc.dataSource.query(`SELECT whistle_id, phase FROM whistle_briefs WHERE whistle_id = ANY($1::uuid[])`, [ids]);
    expect(phases.filter((p) => p.phase === 'WITHDRAWN').map((p) => p.whistle_id).sort()).toEqual(whistles.filter((w) => withdrawnAt.has(w.k)).map((w) => w.whistleId).sort());

    // the whole run delivered again (as after a crash before the offsets were committed), then a probe behind it: nothing changes
    const count = async () =>
      (
        await svc.dataSource.query(
          `SELECT (SELECT count(*)::int FROM events WHERE stream_id = ANY($1)) AS events, (SELECT count(*)::int FROM assignments WHERE whistle_id = ANY($2::uuid[])) AS assignments,
                  (SELECT count(*)::int FROM deadlines WHERE whistle_id = ANY($2::uuid[])) AS deadlines, (SELECT count(*)::int FROM inbox WHERE message_id = ANY($3)) AS inbox`,
          [ids.map((id) => `whistle-${id}`), ids, messages.map((m) => m.eventId)],
        )
      )[0];
    const before = await count();
    const probe = envelope('WhistleConfirmed', randomUUID(), { whistleId: randomUUID() }, 'intake');
    await svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      acks: -1,
      messages: [...messages, probe].map((m) => ({ key: 'one-partition', value: JSON.stringify(m) })),
    });
    await eventually(async () => ((await svc.dataSource.query(`SELECT 1 FROM inbox WHERE message_id = $1`, [probe.eventId])).length === 1 ? true : undefined));
    const after = await count();
    expect(after).toEqual(before);
    expect(before.inbox).toBe(messages.length);
  });
});

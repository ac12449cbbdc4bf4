import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { departmentTopics } from '@chuishao/contracts';
import { eventually, kafkaBrokers, kcatArgs, kcatCanConnect, KCAT_INSTALLED, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';
import { assignmentsOf, blowAndTriage, catalog, TopicTap, type AssignmentRow } from './dispatch-test-kit';

/** Replies in the storm (CHUISHAO_STORM_REPLIES; `npm run chaos` runs 10,000), a fifth of them bad. */
const TOTAL = Number(process.env.CHUISHAO_STORM_REPLIES ?? 1000);
const DEPARTMENTS = catalog.departments.slice(0, 5).map((d) => d.id);
const SLA = { report: 'PT1H', arrive: 'PT2H', complete: 'PT4H' };
/**
 * Produces `key\tvalue` lines with a client that is not kafkajs, in order, idempotently: kcat, or —
 * where kcat's librdkafka cannot authenticate to a Kafka 4 broker with SCRAM (see kcatCanConnect) —
 * Kafka's own console producer (Java, from the project's runner, as its admin).
 */
function produceOutsideKafkajs(topic: string, messages: Array<{ key: string; value: string }>): void {
  const input = messages.map((m) => `${m.key}\t${m.value}`).join('\n');
  const r = kcatCanConnect()
    ? spawnSync('kcat', ['-P', ...kcatArgs(), '-t', topic, '-K', '\t', '-X', 'enable.idempotence=true', '-X', 'message.max.bytes=2000000'], { input, maxBuffer: 1 << 30 })
    : spawnSync('bash', [join(__dirname, '../../../deploy/kafka/kafka.sh'), 'console-producer', topic, '\t', '--producer-property', 'max.request.size=2000000'], { input, maxBuffer: 1 << 30, env: { ...process.env, KAFKA_PORT: kafkaBrokers().split(':').pop() } });
  if (r.status !== 0) throw new Error(`producing failed: ${r.stderr.toString()}`);
}

/**
 * Contract §4 and §10 under a storm of replies from five departments' own systems: every valid
 * reply applied exactly once, every bad one on its department's rejected topic with a reason
 * (malformed JSON, wrong types, NUL, a lone surrogate, a note of a megabyte, unknown assignment,
 * another department's assignment, out of order), duplicates applied once and not rejected, the
 * consumer never wedged or retrying, no deadline missed. Would fail with a consumer that retries a
 * refused message forever.
 */
(KCAT_INSTALLED ? describe : describe.skip)(`dispatch: ${TOTAL} replies from five departments, a fifth of them bad, produced with ${kcatCanConnect() ? 'kcat' : "Kafka's console producer"}`, () => {
  let svc: ServiceUnderTest;
  let tap: TopicTap;

  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_storm' });
    tap = await new TopicTap(svc).start(DEPARTMENTS.map((d) => svc.messaging.topic(departmentTopics(d).rejected)));
  });
  afterAll(async () => {
    await tap?.stop();
    await svc?.stop();
  });

  it('applies every valid reply once and rejects every bad one with its reason', async () => {
    const validCount = Math.round(TOTAL * 0.8);
    const assignmentsNeeded = Math.ceil(validCount / 4);
    // one whistle a department, LEAD only, for each four valid replies; one more a department as the bad replies' target
    const blown = await Promise.all(
      Array.from({ length: assignmentsNeeded + DEPARTMENTS.length }, (_, i) => blowAndTriage(svc, { requestedDepartments: [DEPARTMENTS[i % DEPARTMENTS.length]], sla: SLA })),
    );
    const rows: Array<AssignmentRow & { whistleId: string }> = [];
    for (const whistleId of blown) {
      const [a] = await eventually(async () => {
        const r = await assignmentsOf(svc, whistleId);
        return r.length === 1 ? r : undefined;
      }, 60000);
      rows.push({ ...a, whistleId });
    }
    const sinks = new Map(rows.slice(assignmentsNeeded).map((r) => [r.department_id, r]));
    const working = rows.slice(0, assignmentsNeeded);

    const byTopic = new Map<string, Array<{ key: string; value: string }>>(DEPARTMENTS.map((d) => [d, []]));
    const valid: string[] = [];
    for (const a of working) {
      for (const type of ['REPORT', 'ARRIVE', 'PROGRESS', 'COMPLETE']) {
        if (valid.length >= validCount) break;
        const reply = { replyId: `${a.id}-${type}`, assignmentId: a.id, type, at: new Date().toISOString(), by: { name: '王建国' }, note: '到场处置', result: type === 'COMPLETE' ? '已办结' : null };
        byTopic.get(a.department_id)!.push({ key: a.whistleId, value: JSON.stringify(reply) });
        valid.push(reply.replyId);
      }
    }
    const badKinds: Array<(d: string, i: number) => string> = [
      (_d, i) => `{"replyId":"bad-${i}","assignmentId":`, // not JSON
      (d, i) => JSON.stringify({ replyId: `bad-${i}`, assignmentId: sinks.get(d)!.id, type: 7 }), // wrong types
      (d, i) => JSON.stringify({ replyId: `bad-${i}`, assignmentId: sinks.get(d)!.id, type: 'DISPUTE', note: 'NUL \u0000 here' }), // NUL
      (d, i) => `{"replyId":"bad-${i}","assignmentId":"${sinks.get(d)!.id}","type":"DISPUTE","note":"lone \\ud800 surrogate"}`, // lone surrogate
      (d, i) => JSON.stringify({ replyId: `bad-${i}`, assignmentId: randomUUID(), type: 'REPORT' }), // unknown assignment
      (d, i) => JSON.stringify({ replyId: `bad-${i}`, assignmentId: sinks.get(DEPARTMENTS[(DEPARTMENTS.indexOf(d) + 1) % DEPARTMENTS.length])!.id, type: 'REPORT' }), // another department's
      (d, i) => JSON.stringify({ replyId: `bad-${i}`, assignmentId: sinks.get(d)!.id, type: 'COMPLETE', result: '已办结' }), // out of order
    ];
    const badCount = TOTAL - validCount;
    let bad = 0;
    const duplicates: Array<[string, { key: string; value: string }]> = [];
    for (let i = 0; i < badCount; i++) {
      const d = DEPARTMENTS[i % DEPARTMENTS.length];
      const list = byTopic.get(d)!;
      const validOfD = list.filter((m) => !m.value.includes('"bad-'));
      if (i % 10 === 9 && validOfD.length > 0) {
        duplicates.push([d, validOfD[i % validOfD.length]]); // a valid reply sent again, after all of them: applied once, not rejected
        continue;
      }
      const value = i < 5 ? JSON.stringify({ replyId: `bad-${i}`, assignmentId: sinks.get(d)!.id, type: 'DISPUTE', note: 'x'.repeat(1_000_000) }) : badKinds[i % badKinds.length](d, i);
      // spread through the department's stream (the valid replies keep their order around it)
      list.splice((i * 7919) % (list.length + 1), 0, { key: sinks.get(d)!.whistleId, value });
      bad++;
    }
    for (const [d, m] of duplicates) byTopic.get(d)!.push(m);
    const started = Date.now();
    for (const [d, list] of byTopic) produceOutsideKafkajs(svc.messaging.topic(departmentTopics(d).replies), list);

    const applied = async () => {
      const [{ n }] = await svc.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE type IN ('DepartmentReported','DepartmentArrived','HandlingProgressed','DepartmentCompleted','AssignmentDisputed')`,
      );
      return n as number;
    };
    await eventually(async () => (await applied()) >= valid.length && tap.messages.length >= bad, 300000, 250);
     
    console.log(`${TOTAL} replies (${valid.length} valid, ${bad} bad, ${duplicates.length} duplicates) settled in ${Date.now() - started} ms`);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives
    expect(await applied()).toBe(valid.length);
    const replyIds: Array<{ reply_id: string; n: number }> = await svc.dataSource.query(
      `SELECT data->>'replyId' AS reply_id, count(*)::int AS n FROM events WHERE data ? 'replyId' GROUP BY 1`,
    );
    expect(replyIds.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(replyIds.map((r) => r.reply_id))).toEqual(new Set(valid));
    expect(tap.messages).toHaveLength(bad);
    const reasons = tap.messages.map((m) => JSON.parse(m.value) as { reason: string });
    expect(reasons.every((r) => typeof r.reason === 'string' && r.reason.length > 0)).toBe(true);
    const [{ missed }] = await svc.dataSource.query(`SELECT count(*)::int AS missed FROM events WHERE type IN ('DeadlineMissed','WhistleEscalated')`);
    expect(missed).toBe(0);
    expect(svc.servers.map((s) => s.health())).toEqual(svc.servers.map((s) => ({ group: s.health().group, state: 'running', retrying: [], parked: 0 })));
  }, 600000);
});


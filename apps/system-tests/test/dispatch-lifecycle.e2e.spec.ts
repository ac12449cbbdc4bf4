import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import { departmentTopics } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually, kafkaBrokers, testKafka } from '@chuishao/testing';
import { TestStack } from '../src/harness';

const ROOT = join(__dirname, '../../..');
const catalog = defaultCatalog();
const street = catalog.streets[0];
const FIRE = catalog.departmentByCode('FIRE_RESCUE')!;
const URBAN = catalog.departmentByCode('URBAN_MANAGEMENT')!;

interface WhistleJson {
  id: string;
  status: string;
  assignments: Array<{ id: string; departmentId: string; role: string; status: string }>;
}

/**
 * The bus contract end to end, with the services as processes: a whistle blown over HTTP is
 * handled only through Kafka replies — the lead by the reference client (`npm run dept -- --auto`),
 * an assist by Kafka's own console producer (not kafkajs) — and confirmed by the street.
 */
describe('dispatch end to end: blown → resolved through Kafka replies', () => {
  const stack = new TestStack('dispatch_lifecycle');
  let streetToken: string;
  let client: ChildProcess | undefined;
  let clientOutput = '';
  let operator: ChildProcess | undefined;
  let operatorOutput = '';
  let tap: Consumer | undefined;
  const rejected: Array<{ reason: string; original: string }> = [];

  beforeAll(async () => {
    await stack.start();
    streetToken = await stack.token('street', street.id);
  });
  afterAll(async () => {
    client?.kill('SIGTERM');
    operator?.kill('SIGTERM');
    await tap?.disconnect();
    await stack.stop();
  });

  async function stopClients(): Promise<void> {
    for (const p of [client, operator]) {
      await new Promise<void>((resolve) => {
        if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    }
  }

  const prefixed = (name: string) => `${stack.env.CHUISHAO_TOPIC_PREFIX}.${name}`;

  async function whistle(id: string): Promise<WhistleJson> {
    return (await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken })).json as WhistleJson;
  }

  it('lead via the reference client (--auto), assist via the console producer and the client at a prompt, street confirms; later replies are rejected', async () => {
    const kafka = testKafka('e2e-tap');
    tap = kafka.consumer({ groupId: `tap-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await tap.connect();
    await tap.subscribe({ topics: [prefixed(departmentTopics(URBAN.id).rejected)], fromBeginning: true });
    await tap.run({ eachMessage: async ({ message }) => void rejected.push(JSON.parse(message.value!.toString())) });

    client = spawn(
      process.execPath,
      ['-r', join(ROOT, 'scripts/register-paths.js'), join(ROOT, 'dist/apps/dept-client/src/main.js'), 'FIRE_RESCUE', '--topic-prefix', stack.env.CHUISHAO_TOPIC_PREFIX, '--auto', '--name', '消防值班员'],
      { env: { ...process.env, KAFKA_BROKERS: kafkaBrokers() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    client.stdout!.on('data', (b: Buffer) => (clientOutput += b.toString()));
    client.stderr!.on('data', (b: Buffer) => (clientOutput += b.toString()));
    // The assist's operator uses the same client interactively (commands on stdin).
    operator = spawn(
      process.execPath,
      ['-r', join(ROOT, 'scripts/register-paths.js'), join(ROOT, 'dist/apps/dept-client/src/main.js'), URBAN.id, '--topic-prefix', stack.env.CHUISHAO_TOPIC_PREFIX],
      { env: { ...process.env, KAFKA_BROKERS: kafkaBrokers() }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    operator.stdout!.on('data', (b: Buffer) => (operatorOutput += b.toString()));
    operator.stderr!.on('data', (b: Buffer) => (operatorOutput += b.toString()));

    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        situationCode: 'FIRE_LANE_BLOCKED',
        title: '早餐车占用消防通道',
        description: '液化气罐停放在一楼窗外不足两米。',
        location: { address: '和平区劝业场街道福缘里 3 号' },
        requestedDepartments: [FIRE.id, URBAN.id],
      },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    const assist = await eventually(async () => (await whistle(id)).assignments?.find((a) => a.departmentId === URBAN.id), 30000, 100);
    // Kafka's own console producer (Java), key|json per line, to the assist's replies topic.
    const line = `${id}|${JSON.stringify({ replyId: `console-${assist.id}`, assignmentId: assist.id, type: 'REPORT', at: new Date().toISOString(), by: { name: '城管值班员' } })}\n`;
    await new Promise<void>((resolve, reject) => {
      const p = spawn('bash', [join(ROOT, 'deploy/kafka/kafka.sh'), 'console-producer', prefixed(departmentTopics(URBAN.id).replies), '|'], { stdio: ['pipe', 'inherit', 'inherit'] });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`console producer exited ${code}`))));
      p.stdin!.end(line);
    });

    // The operator sees the assignment, reports again (refused: already reported) and sends progress.
    await eventually(async () => (operatorOutput.includes(assist.id) ? true : undefined), 30000, 100);
    await eventually(async () => ((await whistle(id)).assignments.find((a) => a.id === assist.id)?.status === 'REPORTED' ? true : undefined), 30000, 100);
    operator.stdin!.write(`report ${assist.id.slice(0, 8)}\nprogress ${assist.id.slice(0, 8)} 正在疏导占道车辆\n`);
    await eventually(async () => (operatorOutput.includes('回复被拒绝') && operatorOutput.includes('already reported') ? true : undefined), 30000, 100);
    await eventually(async () => ((await whistle(id)).assignments.find((a) => a.id === assist.id)?.status === 'IN_PROGRESS' ? true : undefined), 30000, 100);

    const completed = await eventually(async () => {
      const w = await whistle(id);
      return w.status === 'COMPLETED' ? w : undefined;
    }, 60000, 200);
    expect(completed.assignments.find((a) => a.departmentId === FIRE.id)).toMatchObject({ role: 'LEAD', status: 'COMPLETED' });
    expect(clientOutput).toContain('新派单');
    expect(clientOutput).toContain('报到时限');

    const confirmed = await stack.http('POST', `/api/v1/whistles/${id}/confirm`, { token: streetToken, body: {} });
    expect(confirmed.status).toBe(200);
    await eventually(async () => ((await whistle(id)).status === 'RESOLVED' ? true : undefined), 15000, 100);
    const audit = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken });
      return r.json?.events?.some((e: { type: string }) => e.type === 'WhistleConfirmed') ? r : undefined;
    });
    const types = (audit.json.events as Array<{ type: string; actor: { role: string; org: string; sub: string } }>).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['WhistleBlown', 'WhistleTriaged', 'DepartmentsSummoned', 'DepartmentReported', 'DepartmentArrived', 'HandlingProgressed', 'DepartmentCompleted', 'WhistleConfirmed']));
    const reported = (audit.json.events as Array<{ type: string; actor: { role: string; org: string; sub: string }; data: { departmentId: string } }>).filter((e) => e.type === 'DepartmentReported');
    expect(reported.map((e) => e.data.departmentId).sort()).toEqual([FIRE.id, URBAN.id].sort());
    // the street reads the stream without the departments' people (docs/security.md): the actor's sub is redacted
    expect(reported.every((e) => e.actor.role === 'department' && e.actor.sub === '[已隐去 / redacted]')).toBe(true);
    const asCenter = (await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: await stack.token('command-center') })).json.events as Array<{ type: string; actor: { sub: string } }>;
    expect(asCenter.filter((e) => e.type === 'DepartmentReported').every((e) => e.actor.sub === 'dept-reply')).toBe(true);
    expect(audit.json.chain.valid).toBe(true);

    // Dispatch learned the whistle is closed: a late reply goes to the rejected topic with the reason.
    await eventually(async () => {
      const [b] = await stack.sql<{ phase: string }>('dispatch', `SELECT phase FROM whistle_briefs WHERE whistle_id = $1`, [id]);
      return b?.phase === 'RESOLVED' ? true : undefined;
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: prefixed(departmentTopics(URBAN.id).replies), messages: [{ key: id, value: JSON.stringify({ replyId: 'late', assignmentId: assist.id, type: 'ARRIVE' }) }] });
    await producer.disconnect();
    const late = await eventually(async () => rejected.find((r) => r.original.includes('"late"')));
    expect(late.reason).toMatch(/resolved/);
    await stopClients();
  });

  it('over HTTP with the real intake and triage: override moves deadlines, reopen brings the lead back to work, withdraw cancels', async () => {
    await stopClients(); // the --auto client would answer for the fire brigade
    const fireToken = await stack.token('department', FIRE.id);
    const cc = await stack.token('command-center');
    const blow = async (title: string) => {
      const r = await stack.http('POST', '/api/v1/whistles', {
        token: streetToken,
        headers: { 'idempotency-key': randomUUID() },
        body: { situationCode: 'FIRE_LANE_BLOCKED', title, description: '', location: { address: '和平区劝业场街道福缘里 9 号' }, requestedDepartments: [FIRE.id] },
      });
      expect(r.status).toBe(201);
      const id = r.json.id as string;
      const lead = await eventually(async () => (await whistle(id)).assignments?.find((a) => a.role === 'LEAD'), 30000, 100);
      return { id, lead };
    };
    const audit = async (id: string) =>
      ((await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: cc })).json.events as Array<{ type: string; data: Record<string, unknown> }>);

    const { id, lead } = await blow('消防通道被占（复核与退回）');
    const before = (await stack.http('GET', `/api/v1/assignments/${lead.id}`, { token: fireToken })).json;
    const override = await stack.http('POST', `/api/v1/whistles/${id}/triage-override`, { token: cc, body: { level: 'BLUE', reason: '现场核实，风险较低' } });
    expect(override.status).toBeLessThan(300);
    const after = await eventually(async () => {
      const a = (await stack.http('GET', `/api/v1/assignments/${lead.id}`, { token: fireToken })).json;
      return a.level === 'BLUE' ? a : undefined;
    }, 30000, 100);
    expect(Date.parse(after.deadlines.reportBy) - Date.parse(before.deadlines.reportBy)).toBeGreaterThan(23 * 3600 * 1000);
    expect((await eventually(async () => (await audit(id)).find((e) => e.type === 'DeadlinesChanged'))).data).toMatchObject({ reason: 'TRIAGE_OVERRIDDEN', level: 'BLUE' });

    expect((await stack.http('POST', `/api/v1/assignments/${lead.id}/report`, { token: fireToken, body: {} })).status).toBe(200);
    expect((await stack.http('POST', `/api/v1/assignments/${lead.id}/complete`, { token: fireToken, body: { result: '已清理' } })).status).toBe(200);
    await eventually(async () => ((await whistle(id)).status === 'COMPLETED' ? true : undefined), 30000, 100);
    const reopened = await stack.http('POST', `/api/v1/whistles/${id}/reopen`, { token: streetToken, body: { reason: '群众反映仍有气罐' } });
    expect(reopened.status).toBe(200);
    const back = await eventually(async () => {
      const a = (await stack.http('GET', `/api/v1/assignments/${lead.id}`, { token: fireToken })).json;
      return a.status === 'IN_PROGRESS' && a.pendingDeadlines.some((d: { kind: string }) => d.kind === 'COMPLETE') ? a : undefined;
    }, 30000, 100);
    expect(Date.parse(back.deadlines.completeBy)).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000); // BLUE: 7 days from the reopen
    expect((await stack.http('POST', `/api/v1/assignments/${lead.id}/complete`, { token: fireToken, body: { result: '彻底清理' } })).status).toBe(200);
    await eventually(async () => ((await whistle(id)).status === 'COMPLETED' ? true : undefined), 30000, 100);

    const second = await blow('消防通道被占（撤回）');
    expect((await stack.http('POST', `/api/v1/whistles/${second.id}/withdraw`, { token: streetToken, body: { reason: '已自行解决' } })).status).toBe(200);
    const cancelled = await eventually(async () => {
      const a = (await stack.http('GET', `/api/v1/assignments/${second.lead.id}`, { token: fireToken })).json;
      return a.status === 'CLOSED' ? a : undefined;
    }, 30000, 100);
    expect(cancelled.pendingDeadlines).toEqual([]);
    expect((await stack.http('POST', `/api/v1/assignments/${second.lead.id}/report`, { token: fireToken, body: {} })).status).toBe(409);
    await eventually(async () => ((await whistle(second.id)).assignments[0].status === 'CLOSED' ? true : undefined), 30000, 100);
  });
});

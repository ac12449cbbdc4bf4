import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually, kafkaBrokers, kcatArgs, kcatCanConnect, testKafka } from '@chuishao/testing';
import { TestStack } from '../src/harness';

const ROOT = join(__dirname, '../../..');
const catalog = defaultCatalog();
const street = catalog.streets[0];
const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '../../../deploy/kafka/kafka.sh');
const kafkaShEnv = () => ({ ...process.env, KAFKA_PORT: kafkaBrokers().split(',')[0].split(':').pop() });

/**
 * A department's client that is not kafkajs: kcat — or, where Debian's kcat cannot authenticate
 * with SCRAM to Kafka 4 (librdkafka#4895, see kcatCanConnect), Kafka's own console tools.
 * Messages as `key<TAB>value` lines.
 */
const notKafkajs = {
  name: kcatCanConnect() ? 'kcat' : "Kafka's console tools",
  async read(topic: string): Promise<string[]> {
    if (kcatCanConnect()) return (await run('kcat', [...kcatArgs(), '-q', '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k\t%s\n'])).stdout.split('\n');
    const out = await run('bash', [KAFKA_SH, 'console-consumer', topic, '1'], { env: kafkaShEnv() });
    return out.stdout.split('\n').map((l) => l.replace('|', '\t'));
  },
  write(topic: string, key: string, value: unknown): Promise<void> {
    const [cmd, args] = kcatCanConnect() ? ['kcat', [...kcatArgs(), '-P', '-t', topic, '-K', '\t']] : ['bash', [KAFKA_SH, 'console-producer', topic, '\t']];
    return new Promise<void>((resolve, reject) => {
      const p = execFile(cmd as string, args as string[], { env: kafkaShEnv() }, (err) => (err ? reject(err) : resolve()));
      p.stdin?.end(`${key}\t${JSON.stringify(value)}\n`);
    });
  },
};
const whistleBody = {
  situationCode: 'FIRE_LANE_BLOCKED',
  title: '早餐车占用消防通道',
  description: '液化气罐停放在一楼窗外不足两米。',
  location: { address: '和平区劝业场街道福缘里 7 号', lat: 39.1907, lng: 117.2008 },
  hints: { lifeSafety: false, householdsAffected: 10 },
};

/** The documents as the build writes them (npm run docs), into a folder of this test's own. */
function buildDocs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chuishao-docs-'));
  execFileSync(process.execPath, ['-r', join(ROOT, 'scripts/register-paths.js'), join(ROOT, 'dist/apps/apidocs/src/main.js'), dir], { cwd: ROOT, stdio: 'ignore' });
  return dir;
}

/** An AsyncAPI channel address as a pattern: `{departmentId}` is one topic-name segment. */
const addressPattern = (address: string) => new RegExp(`^${address.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^.]+')}$`);

describe('published interfaces: the documents the gateway serves match the running system', () => {
  const stack = new TestStack('apidocs', { CHUISHAO_DOCS_DIR: buildDocs() });
  let asyncapi: { channels: Record<string, { address: string }> };

  beforeAll(async () => {
    await stack.start();
  });
  afterAll(() => stack.stop());

  it('serves the OpenAPI document with the public base URL and the AsyncAPI document and page', async () => {
    const openapi = await stack.http('GET', '/docs-json');
    expect(openapi.json.servers).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:8080' })]);
    const yaml = await stack.http('GET', '/docs/asyncapi.yaml');
    expect(yaml.status).toBe(200);
    asyncapi = parse(yaml.text) as typeof asyncapi;
    const page = await stack.http('GET', '/docs/asyncapi');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('chuishao.dept.{departmentId}.replies');
    expect(page.text).not.toMatch(/<script|style=|https?:\/\/(?!www\.apache\.org)[^"<\s]*\.(js|css)/);
  });

  it(`a client that is not kafkajs (${notKafkajs.name}) reads an assignment and reports; the system applies it; every topic is documented`, async () => {
    const prefix = stack.env.CHUISHAO_TOPIC_PREFIX;
    const token = await stack.token('street', street.id);
    const created = await stack.http('POST', '/api/v1/whistles', { token, headers: { 'idempotency-key': randomUUID() }, body: whistleBody });
    expect(created.status).toBe(201);
    const whistleId = created.json.id as string;
    const lead = catalog.situation('FIRE_LANE_BLOCKED')!.leadDepartment;

    // docs/departments.md, step 2: read the assignments topic (key = whistleId)
    const assignment = await eventually(async () => {
      const line = (await notKafkajs.read(`${prefix}.chuishao.dept.${lead}.assignments`)).find((l) => l.startsWith(`${whistleId}\t`));
      return line ? (JSON.parse(line.slice(whistleId.length + 1)) as { assignmentId: string; type?: string }) : undefined;
    }, 20_000, 250);
    expect(assignment.type).toBe('SUMMONED');

    // step 3: a REPORT on the replies topic, and one the system must refuse (to the rejected topic)
    const replies = `${prefix}.chuishao.dept.${lead}.replies`;
    const report = { replyId: `kcat-${randomUUID()}`, assignmentId: assignment.assignmentId, type: 'REPORT', at: new Date().toISOString(), by: { name: '王建国' } };
    const produce = (value: unknown) => notKafkajs.write(replies, whistleId, value);
    await produce(report);
    await produce({ replyId: `kcat-${randomUUID()}`, assignmentId: assignment.assignmentId, type: 'COMPLETE' }); // no result: refused

    const reported = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${whistleId}`, { token });
      const a = (r.json?.assignments as Array<{ id: string; reportedAt: string | null }> | undefined)?.find((x) => x.id === assignment.assignmentId);
      return a?.reportedAt ? a : undefined;
    }, 20_000, 250);
    expect(reported.reportedAt).toBeTruthy();
    const refused = await eventually(async () => {
      const line = (await notKafkajs.read(`${replies}.rejected`)).find((l) => l.includes('result'));
      return line ? line.slice(line.indexOf('\t') + 1) : undefined;
    }, 20_000, 250);
    expect(JSON.parse(refused)).toMatchObject({ reason: expect.stringMatching(/result/) });

    // every topic this system created is a channel of the AsyncAPI document
    const admin = testKafka('apidocs-e2e').admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`)).map((t) => t.slice(prefix.length + 1));
    await admin.disconnect();
    const patterns = Object.values(asyncapi.channels).map((c) => addressPattern(c.address));
    expect(topics.length).toBeGreaterThan(60); // 21 departments × 3, the event topics, their rejected topics, the stuck notices
    expect(topics.filter((t) => !patterns.some((p) => p.test(t)))).toEqual([]);
  }, 120_000);
});

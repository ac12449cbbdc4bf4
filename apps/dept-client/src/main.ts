/**
 * 部门参考客户端 — the reference department client (contract §4), run by a department's operator
 * or in demos:
 *
 *   npm run dept -- <departmentId|CODE> [--topic-prefix <p>] [--brokers host:port,...] [--name 经办人] [--auto]
 *
 * It prints the assignments arriving on `chuishao.dept.<id>.assignments` (Chinese labels,
 * deadlines in Asia/Shanghai time) and publishes the operator's replies on
 * `chuishao.dept.<id>.replies`; refused replies come back on `chuishao.dept.<id>.replies.rejected`
 * and are printed with their reason. `--auto` reports, arrives and completes every assignment it
 * receives. It is plain kafkajs on purpose: it documents the protocol by example (see
 * docs/departments.md), and depends only on the shared topic names and the catalog.
 *
 * Kafka: KAFKA_BROKERS, KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD (the department's principal
 * `dept-<code>`, e.g. dept-fire-rescue), KAFKA_SASL_MECHANISM (scram-sha-512 | scram-sha-256), KAFKA_TLS, KAFKA_TLS_CA_FILE.
 * Without KAFKA_BROKERS it connects to the project's own runner as `dept-<code>`, with the password
 * the runner keeps (`npm run kafka -- client-env dept-<code>`; ADR 0021).
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type Consumer, type KafkaConfig, type Producer } from 'kafkajs';
import { departmentPrincipal, kafkaConnection } from '@chuishao/messaging';
import { KafkaClientConfig, loadConfig } from '@chuishao/platform';
import { departmentTopics } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import type { DepartmentTopicMessage, ReplyMessage, ReplyType } from '@chuishao/dispatch-contracts';

interface Options {
  department: string;
  code: string;
  prefix: string;
  /** --brokers or KAFKA_BROKERS; none: the project's own runner */
  brokers: string | undefined;
  name: string | null;
  auto: boolean;
}

const USAGE = `用法 / usage: npm run dept -- <部门id|部门编码> [--topic-prefix <前缀>] [--brokers host:port] [--name 经办人] [--auto]

命令 / commands (assignment id 可用前 8 位 / the first 8 characters are enough):
  list                         列出已收到的派单 / list assignments received
  report   <id> [说明]          报到 / report
  arrive   <id> [说明]          到场 / arrive
  progress <id> <进展>          处置进展 / progress
  dispute  <id> <退单理由>       退单 / dispute (reason required)
  complete <id> <办结结果>       办结 / complete (result required)
  help | quit`;

const LEVEL = { RED: '红色', YELLOW: '黄色', BLUE: '蓝色' } as const;
const ROLE = { LEAD: '牵头', ASSIST: '协办' } as const;
const KIND = { REPORT: '报到', ARRIVE: '到场', COMPLETE: '办结' } as const;
const TYPE_OF: Record<string, ReplyType> = { report: 'REPORT', arrive: 'ARRIVE', progress: 'PROGRESS', dispute: 'DISPUTE', complete: 'COMPLETE' };

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const when = (iso: string | undefined | null): string => (iso ? `${shanghai.format(new Date(iso))}（北京时间）` : '—');

function parseArgs(argv: string[]): Options {
  const catalog = defaultCatalog();
  let department: string | undefined;
  let prefix = process.env.CHUISHAO_TOPIC_PREFIX ?? '';
  let brokers = process.env.KAFKA_BROKERS;
  let name: string | null = process.env.DEPT_OPERATOR_NAME ?? null;
  let auto = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--topic-prefix') prefix = argv[++i] ?? '';
    else if (a.startsWith('--topic-prefix=')) prefix = a.slice('--topic-prefix='.length);
    else if (a === '--brokers') brokers = argv[++i] ?? brokers;
    else if (a === '--name') name = argv[++i] ?? null;
    else if (a === '--auto') auto = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (!a.startsWith('--') && !department) department = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!department) throw new Error(USAGE);
  const found = catalog.department(department) ?? catalog.departmentByCode(department.toUpperCase());
  if (!found) throw new Error(`未知部门 / unknown department: ${department}\n可用 / known: ${catalog.departments.map((d) => d.code).join(', ')}`);
  return { department: found.id, code: found.code, prefix, brokers, name, auto };
}

/** The department's connection: the environment's settings, or the local runner's for `dept-<code>`. */
function kafkaConfig(o: Options): KafkaConfig {
  const env = o.brokers ? { ...process.env, KAFKA_BROKERS: o.brokers } : { ...process.env, ...localRunnerEnv(departmentPrincipal(o.code)) };
  return { clientId: `dept-${o.department}-client`, ...kafkaConnection(loadConfig(KafkaClientConfig, env)), logLevel: logLevel.ERROR };
}

/** `kafka.sh client-env <principal>`: the project's own runner's settings for a principal. */
function localRunnerEnv(principal: string): Record<string, string> {
  // eslint-disable-next-line @nx/enforce-module-boundaries -- the launcher's plain-JS helper
  const { localKafkaEnv } = require('../../../../scripts/lib/stack.js') as { localKafkaEnv(p: string): Record<string, string> };
  return localKafkaEnv(principal);
}

interface Known {
  assignmentId: string;
  whistleId: string;
  title: string;
  status: string;
}

class DepartmentClient {
  private readonly topics;
  private readonly known = new Map<string, Known>();
  private readonly kafka: Kafka;
  private producer!: Producer;
  private consumer!: Consumer;
  private readonly departmentName: string;

  constructor(private readonly o: Options) {
    const t = departmentTopics(o.department);
    const p = (name: string) => (o.prefix ? `${o.prefix}.${name}` : name);
    this.topics = { assignments: p(t.assignments), replies: p(t.replies), rejected: p(t.rejected) };
    this.kafka = new Kafka(kafkaConfig(o));
    this.departmentName = defaultCatalog().department(o.department)?.name ?? o.department;
  }

  async start(): Promise<void> {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const group = this.o.prefix ? `${this.o.prefix}.dept-${this.o.department}-client` : `dept-${this.o.department}-client`;
    this.consumer = this.kafka.consumer({ groupId: group, maxWaitTimeInMs: 250 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topics.assignments, this.topics.rejected], fromBeginning: true });
    this.say(`【${this.departmentName}】已连接 / connected — 接收 ${this.topics.assignments}，回复到 ${this.topics.replies}${this.o.auto ? '（自动模式 / --auto）' : ''}`);
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const text = message.value?.toString('utf8') ?? '';
        if (topic === this.topics.rejected) this.onRejected(text);
        else await this.onAssignmentTopic(text);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  private say(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  private async onAssignmentTopic(text: string): Promise<void> {
    let m: DepartmentTopicMessage;
    try {
      m = JSON.parse(text) as DepartmentTopicMessage;
    } catch {
      this.say(`! 无法解析的消息 / unparseable message: ${text.slice(0, 200)}`);
      return;
    }
    const type = m.type ?? 'SUMMONED';
    switch (type) {
      case 'SUMMONED': {
        const a = m as Extract<DepartmentTopicMessage, { type: 'SUMMONED' }>;
        this.known.set(a.assignmentId, { assignmentId: a.assignmentId, whistleId: a.whistleId, title: a.title, status: 'SUMMONED' });
        const address = (a.location as { address?: string } | null)?.address ?? '';
        this.say(
          [
            '',
            `■ 新派单 / new assignment  ${a.assignmentId}`,
            `  事项：${a.title}`,
            `  情形：${defaultCatalog().situation(a.situationCode)?.name ?? ''}（${a.situationCode}）    等级：${LEVEL[a.level] ?? a.level}    角色：${ROLE[a.role] ?? a.role}`,
            `  地点：${address}`,
            a.description ? `  描述：${a.description}` : '',
            `  报到时限：${when(a.deadlines.reportBy)}`,
            `  到场时限：${when(a.deadlines.arriveBy)}`,
            `  办结时限：${when(a.deadlines.completeBy)}`,
          ]
            .filter(Boolean)
            .join('\n'),
        );
        if (this.o.auto) await this.autoHandle(a.assignmentId, false);
        return;
      }
      case 'CANCELLED':
        this.mark(m.assignmentId, 'CANCELLED');
        this.say(`■ 派单已撤销 / cancelled ${m.assignmentId}：${(m as { reason: string }).reason}`);
        return;
      case 'REOPENED': {
        const r = m as Extract<DepartmentTopicMessage, { type: 'REOPENED' }>;
        this.mark(r.assignmentId, 'IN_PROGRESS');
        this.say(`■ 街道退回重办 / reopened ${r.assignmentId}：新办结时限 ${when(r.deadlines.completeBy)}`);
        if (this.o.auto) await this.autoHandle(r.assignmentId, true);
        return;
      }
      case 'DEADLINES_CHANGED': {
        const d = m as Extract<DepartmentTopicMessage, { type: 'DEADLINES_CHANGED' }>;
        this.say(`■ 等级调整为${LEVEL[d.level] ?? d.level}，时限更新 / deadlines changed ${d.assignmentId}：报到 ${when(d.deadlines.reportBy)}，到场 ${when(d.deadlines.arriveBy)}，办结 ${when(d.deadlines.completeBy)}`);
        return;
      }
      case 'DISPUTE_RESOLVED': {
        const d = m as Extract<DepartmentTopicMessage, { type: 'DISPUTE_RESOLVED' }>;
        this.mark(d.assignmentId, d.decision === 'UPHOLD' ? 'REASSIGNED' : 'IN_PROGRESS');
        this.say(`■ 退单${d.decision === 'UPHOLD' ? '成立（已改派）' : '不成立，请继续办理'} / dispute ${d.decision} ${d.assignmentId}：${d.reason}`);
        return;
      }
      case 'OVERDUE': {
        const d = m as Extract<DepartmentTopicMessage, { type: 'OVERDUE' }>;
        this.say(`▲ 催办 / overdue ${d.assignmentId}：${KIND[d.kind] ?? d.kind}时限 ${when(d.dueAt)} 已过${d.escalated ? '，已上报指挥中心' : ''}`);
        return;
      }
      case 'CLOSED':
        this.mark(m.assignmentId, 'CLOSED');
        this.say(`■ 街道已确认办结，哨件关闭 / closed ${m.assignmentId}`);
        return;
      default:
        this.say(`· ${text.slice(0, 300)}`);
    }
  }

  private onRejected(text: string): void {
    try {
      const r = JSON.parse(text) as { reason: string; original: string | null };
      this.say(`✗ 回复被拒绝 / reply rejected：${r.reason}\n  原消息 / original: ${r.original ?? ''}`);
    } catch {
      this.say(`✗ 回复被拒绝 / reply rejected: ${text.slice(0, 300)}`);
    }
  }

  private mark(assignmentId: string, status: string): void {
    const k = this.known.get(assignmentId);
    if (k) k.status = status;
  }

  /** Auto mode: REPORT, ARRIVE, COMPLETE with deterministic replyIds (a restarted client repeats nothing). */
  private async autoHandle(assignmentId: string, reopened: boolean): Promise<void> {
    const steps: Array<[ReplyType, string | null, string | null]> = reopened
      ? [['COMPLETE', null, '复查后已彻底处理（自动演示）']]
      : [
          ['REPORT', '已接单（自动演示）', null],
          ['ARRIVE', '已到场（自动演示）', null],
          ['COMPLETE', null, '已处置完毕（自动演示）'],
        ];
    for (const [type, note, result] of steps) {
      await this.send(type, assignmentId, note, result, `${assignmentId}:auto:${type}${reopened ? `:reopen-${Date.now()}` : ''}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async send(type: ReplyType, assignmentId: string, note: string | null, result: string | null, replyId: string = randomUUID()): Promise<void> {
    const reply: ReplyMessage = {
      replyId,
      assignmentId,
      type,
      at: new Date().toISOString(),
      by: this.o.name ? { name: this.o.name } : null,
      note,
      result,
    };
    const known = this.known.get(assignmentId);
    await this.producer.send({
      topic: this.topics.replies,
      acks: -1,
      messages: [{ key: known?.whistleId ?? assignmentId, value: JSON.stringify(reply) }],
    });
    this.say(`→ 已发送 / sent ${type} ${assignmentId} (replyId ${replyId})`);
  }

  resolve(idOrPrefix: string): string | undefined {
    if (/^[0-9a-f-]{36}$/i.test(idOrPrefix)) return idOrPrefix.toLowerCase();
    const matches = [...this.known.keys()].filter((id) => id.startsWith(idOrPrefix.toLowerCase()));
    return matches.length === 1 ? matches[0] : undefined;
  }

  list(): void {
    if (this.known.size === 0) this.say('（暂无派单 / no assignments yet）');
    for (const k of this.known.values()) this.say(`  ${k.assignmentId}  ${k.status.padEnd(11)} ${k.title}`);
  }
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(64);
  }
  const client = new DepartmentClient(o);
  const shutdown = async () => {
    await client.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  await client.start();
  if (o.auto) return;

  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  rl.on('close', () => void shutdown());
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) continue;
    const [cmd, id, ...rest] = line.split(/\s+/);
    const text = rest.join(' ') || null;
    try {
      if (cmd === 'quit' || cmd === 'exit') break;
      if (cmd === 'help') process.stdout.write(`${USAGE}\n`);
      else if (cmd === 'list') client.list();
      else if (TYPE_OF[cmd]) {
        const assignmentId = id ? client.resolve(id) : undefined;
        if (!assignmentId) {
          process.stdout.write(`? 找不到派单 / no (unique) assignment ${id ?? ''}\n`);
          continue;
        }
        const type = TYPE_OF[cmd];
        if ((type === 'DISPUTE' || type === 'COMPLETE') && !text) {
          process.stdout.write(`? ${cmd} 需要${type === 'DISPUTE' ? '退单理由' : '办结结果'} / needs a ${type === 'DISPUTE' ? 'reason' : 'result'}\n`);
          continue;
        }
        await client.send(type, assignmentId, type === 'COMPLETE' ? null : text, type === 'COMPLETE' ? text : null);
      } else process.stdout.write(`? 未知命令 / unknown command (help)\n`);
    } catch (err) {
      process.stdout.write(`! ${(err as Error).message}\n`);
    }
  }
  await shutdown();
}

void main().catch((err: unknown) => {
  process.stderr.write(`dept-client: ${(err as Error).message}\n`);
  process.exit(1);
});

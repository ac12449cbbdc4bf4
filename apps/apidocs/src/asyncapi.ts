import { defaultCatalog } from '@chuishao/catalog';
import { departmentTopics, TOPICS } from '@chuishao/contracts';
import { REPLY_EXAMPLES } from '@chuishao/dispatch-contracts';
import { rejectedTopicFor } from '@chuishao/messaging';
import { ContractTypes, type JsonSchema } from './ts-schema';

const CONTRACTS = {
  envelope: 'libs/shared/messaging/src/envelope.ts',
  rejected: 'libs/shared/messaging/src/rejected.ts',
  stuck: 'libs/shared/messaging/src/parking.ts',
  intake: 'libs/intake/contracts/src/index.ts',
  triage: 'libs/triage/contracts/src/index.ts',
  dispatch: 'libs/dispatch/contracts/src/index.ts',
  assessment: 'libs/assessment/contracts/src/index.ts',
};

interface Message {
  name: string;
  title: string;
  summary?: string;
  payload: JsonSchema;
  examples?: unknown[];
}

interface Channel {
  id: string;
  address: string;
  title: string;
  description: string;
  department?: boolean;
  messages: Message[];
  /** What the district's services do on it; departments send replies and receive the rest. */
  send: boolean;
  receive: boolean;
}

const DEPARTMENT = '{departmentId}';

/**
 * The AsyncAPI 3 document of the bus, from the contracts' types (see {@link ContractTypes}): every
 * topic the services create — the shared event topics, their `.rejected` companions, the stuck
 * notices and each department's three topics — with every message's schema and the SCRAM
 * security of the broker. `npm run docs` writes it to dist/docs; the gateway serves it.
 */
export function buildAsyncApi(o: { brokers?: string } = {}): Record<string, unknown> {
  const types = new ContractTypes(Object.values(CONTRACTS));
  const envelope = types.schema(types.type(CONTRACTS.envelope, 'Envelope'));
  const event = (name: string, data: JsonSchema, origin: string): Message => ({
    name,
    title: `${name}（${origin}）`,
    summary: `事件信封，type = ${name}，键为 whistleId（或流 id）/ Envelope with type ${name}, keyed by whistleId (or the stream id).`,
    payload: { ...envelope, properties: { ...(envelope.properties as object), type: { type: 'string', const: name }, data } },
  });
  const eventsOf = (file: string, union: string, origin: string) => types.events(types.type(file, union)).map(([name, data]) => event(name, types.schema(data), origin));
  const triage = eventsOf(CONTRACTS.triage, 'TriageEvent', 'triage');
  const rejected: Message = {
    name: 'Rejected',
    title: '被拒消息 / A message not applied',
    summary: '原消息原样保留，附原因；键同原消息。/ The original message untouched, with the reason; same key as the original.',
    payload: types.schema(types.type(CONTRACTS.rejected, 'RejectedMessage')),
  };
  const assignments = types.members(types.type(CONTRACTS.dispatch, 'DepartmentTopicMessage')).map((m): Message => {
    const kind = types.literal(m, 'type') ?? 'SUMMONED';
    return { name: kind, title: `${kind}`, payload: types.schema(m) };
  });
  const channels: Channel[] = [
    {
      id: 'departmentAssignments',
      address: departmentTopics(DEPARTMENT).assignments,
      title: '部门派单 / A department\'s assignments',
      description: '我们发布：新派单（SUMMONED）及其后续（撤销、重开、时限变更、退单裁决、超期催办、随哨件关闭、延期结果），按 `type` 区分（头 `message-type` 同值）；键为 whistleId，同一哨件的消息有序。不认识的 type 请忽略。保留期：永久。/ We publish new assignments and what happens to them, by `type`; keyed by whistleId. Ignore types you do not know.',
      department: true,
      messages: assignments,
      send: true,
      receive: false,
    },
    {
      id: 'departmentReplies',
      address: departmentTopics(DEPARTMENT).replies,
      title: '部门回复 / A department\'s replies',
      description: '部门发布：REPORT 报到（第一条）、ARRIVE 到场、PROGRESS 进展、DISPUTE 退单（note 必填）、COMPLETE 办结（result 必填）、EXTENSION 延期申请；`replyId` 幂等。部门取自主题，不取自消息体；时限以经纪人收到的时间（LogAppendTime）为准，不以 `at` 为准。建议键为 whistleId。/ The department publishes its replies, idempotent by replyId; deadlines are judged by when the broker received the reply.',
      department: true,
      messages: [{ name: 'Reply', title: '部门回复 / Department reply', payload: types.schema(types.type(CONTRACTS.dispatch, 'ReplyMessage')), examples: REPLY_EXAMPLES }],
      send: false,
      receive: true,
    },
    {
      id: 'departmentRepliesRejected',
      address: departmentTopics(DEPARTMENT).rejected,
      title: '被拒回复 / Replies not applied',
      description: '格式错误、他部门的派单、顺序不对（如先 COMPLETE 后 REPORT）或哨件已关闭的回复不被采用，连同原因发到这里；消费者继续处理后续消息。保留 30 天。/ Every reply we did not apply, with the reason. Retention 30 days.',
      department: true,
      messages: [rejected],
      send: true,
      receive: false,
    },
    {
      id: 'whistleEvents',
      address: TOPICS.whistleEvents,
      title: '哨件事件 / Every event of every whistle',
      description: '内部主题：各服务记录的哨件事件，键为 whistleId（分区内顺序即因果顺序）。部门不读取。/ Internal: every service\'s whistle events, keyed by whistleId. Departments do not read it.',
      messages: [...eventsOf(CONTRACTS.intake, 'IntakeEvent', 'intake'), ...triage.filter((m) => m.name !== 'TriagePolicyPublished'), ...eventsOf(CONTRACTS.dispatch, 'DispatchEvent', 'dispatch')],
      send: true,
      receive: true,
    },
    {
      id: 'policyEvents',
      address: TOPICS.policyEvents,
      title: '分级策略事件 / Triage policy versions',
      description: '内部主题：分级策略的新版本，键为 triage。/ Internal: triage policy versions, keyed "triage".',
      messages: triage.filter((m) => m.name === 'TriagePolicyPublished'),
      send: true,
      receive: true,
    },
    {
      id: 'assessmentEvents',
      address: TOPICS.assessmentEvents,
      title: '考核事件 / Assessment\'s events',
      description: '内部主题：街道评分（每次修订一个事件）、考核期关闭、评分办法版本、申诉与裁决；键为流 id。/ Internal: ratings, closed periods, scoring policy versions, appeals; keyed by the stream id.',
      messages: eventsOf(CONTRACTS.assessment, 'AssessmentEvent', 'assessment'),
      send: true,
      receive: true,
    },
    ...[TOPICS.whistleEvents, TOPICS.policyEvents, TOPICS.assessmentEvents].map(
      (topic): Channel => ({
        id: `${camel(topic)}Rejected`,
        address: rejectedTopicFor(topic),
        title: `被拒消息 / Not applied: ${topic}`,
        description: '内部主题：消费者因永久原因无法采用的消息（原消息与原因）。保留 30 天。/ Internal: messages a consumer refused for a permanent reason, with the reason. Retention 30 days.',
        messages: [rejected],
        send: true,
        receive: false,
      }),
    ),
    {
      id: 'stuck',
      address: TOPICS.stuck,
      title: '卡住的哨件 / What the services park and clear',
      description: '内部主题：某服务的消费者因永久原因搁置一个哨件的事件时发布 STUCK，运维重放或丢弃后发布 CLEARED；键为哨件 id。/ Internal: STUCK when a consumer parks a whistle\'s events, CLEARED when an operator replays or discards them.',
      messages: [{ name: 'StuckNotice', title: '搁置通知 / Parked or cleared', payload: types.schema(types.type(CONTRACTS.stuck, 'StuckNotice')) }],
      send: true,
      receive: true,
    },
  ];
  return document(channels, o.brokers ?? 'kafka.chuishao.example:9093');
}

const camel = (topic: string) => topic.replace(/^chuishao\./, '').replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());

function document(channels: Channel[], brokers: string): Record<string, unknown> {
  const departments = defaultCatalog().departments;
  const messages: Record<string, unknown> = {};
  const keys = new Map<Message, string>();
  const security = [{ $ref: '#/components/securitySchemes/scram' }];
  const operations: Record<string, unknown> = {};
  const out: Record<string, unknown> = {};
  for (const c of channels) {
    const refs: Record<string, unknown> = {};
    for (const m of c.messages) {
      const key = keys.get(m) ?? m.name;
      keys.set(m, key);
      messages[key] = {
        name: m.name,
        title: m.title,
        ...(m.summary ? { summary: m.summary } : {}),
        contentType: 'application/json',
        payload: m.payload,
        ...(m.examples ? { examples: m.examples.map((payload) => ({ payload })) } : {}),
      };
      refs[m.name] = { $ref: `#/components/messages/${key}` };
    }
    out[c.id] = {
      address: c.address,
      title: c.title,
      description: c.description,
      ...(c.department ? { parameters: { departmentId: { $ref: '#/components/parameters/departmentId' } } } : {}),
      messages: refs,
    };
    const opMessages = Object.keys(refs).map((k) => ({ $ref: `#/channels/${c.id}/messages/${k}` }));
    if (c.send) operations[`send${cap(c.id)}`] = { action: 'send', title: `发布 / We publish: ${c.title}`, channel: { $ref: `#/channels/${c.id}` }, messages: opMessages, security };
    if (c.receive) operations[`receive${cap(c.id)}`] = { action: 'receive', title: `消费 / We consume: ${c.title}`, channel: { $ref: `#/channels/${c.id}` }, messages: opMessages, security };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Chuishao 吹哨报到消息总线 / The bus',
      version: '1.0.0',
      description: [
        '区直部门与我们的服务在 Kafka 上交换的一切（契约 §4、§10）。每个部门有自己的三个主题，经纪人的 ACL 把部门的凭据绑定到这三个主题：',
        '读取 `chuishao.dept.<departmentId>.assignments` 与 `….replies.rejected`，写入 `….replies`。`<departmentId>` 取自 `GET /api/v1/catalog` 的 departments[].id。',
        '所有值为 UTF-8 JSON，键为 UTF-8 字符串，时间为带时区的 ISO 8601。测试与预发环境在每个主题名前加前缀和一个点（`CHUISHAO_TOPIC_PREFIX`），生产环境没有前缀。',
        '本文档由构建根据契约中的 TypeScript 类型生成（`npm run docs`），请勿手工编辑。',
        '',
        'Everything departments and our services exchange over Kafka. Each department has its own three topics; the broker\'s ACLs bind its credentials to them:',
        'read `chuishao.dept.<departmentId>.assignments` and `….replies.rejected`, write `….replies`. Values are UTF-8 JSON; keys UTF-8 strings; times ISO 8601 with offset.',
        'Test and staging stacks put a prefix and a dot before every topic name; production has none. Generated by the build from the contracts\' TypeScript types.',
      ].join('\n'),
      contact: { name: '和平区指挥中心 / Heping District command center' },
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      production: {
        host: brokers,
        protocol: 'kafka-secure',
        description: 'SASL/SCRAM-SHA-512（配置时加 TLS）；每个部门一个主体 `dept-<code>`（如 `dept-fire-rescue`）。/ SASL/SCRAM-SHA-512 (over TLS when configured); one principal per department (`dept-fire-rescue`).',
        security,
      },
    },
    channels: out,
    operations,
    components: {
      parameters: {
        departmentId: {
          description: `部门 id（GET /api/v1/catalog → departments[].id）/ The department's id: ${departments.map((d) => `${d.id} ${d.name}`).join('; ')}`,
          enum: departments.map((d) => d.id),
          examples: [departments[0].id],
        },
      },
      securitySchemes: {
        scram: { type: 'scramSha512', description: '每个部门一个 SCRAM 主体，只能写自己的 replies、读自己的 assignments 与 replies.rejected（契约 §14）。/ One SCRAM principal per department (contract §14).' },
      },
      messages,
    },
  };
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

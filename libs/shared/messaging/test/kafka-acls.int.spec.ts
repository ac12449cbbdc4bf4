import type { Admin, Kafka } from 'kafkajs';
import { departmentTopics, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { deleteTestTopics, grantTestAcls, kafkaIsSecured, principalKafkaConfig, testKafka, testTopicPrefix } from '@chuishao/testing';
import { kafkaConnection, prefixed } from '../src';
import { ensureTopics } from '../src/topics';

// Contract §14 on a secured broker: a department's principal writes only its replies topic and
// reads only its assignments and rejected topics; a service only its own topics. The ACLs are the
// model's (acls.ts) for this file's topic prefix; the principals are the broker's (ADR 0021).
// On a PLAINTEXT broker (testcontainers, `kafka.sh start --plaintext`) there is nothing to refuse.
const catalog = defaultCatalog();

/** The broker's error code behind a kafkajs error (they wrap it: `cause`, `originalError`). */
function errorType(err: unknown): string {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e; e = (e.cause ?? e.originalError) as typeof e) {
    if (e.type) return e.type;
  }
  return String(err);
}
const fire = catalog.departmentByCode('FIRE_RESCUE')!;
const police = catalog.departmentByCode('PUBLIC_SECURITY')!;

(kafkaIsSecured() ? describe : describe.skip)('Kafka ACLs: what a principal may not do is refused by the broker', () => {
  const prefix = testTopicPrefix('acls');
  const t = (name: string) => prefixed(prefix, name);
  const mine = departmentTopics(fire.id);
  const theirs = departmentTopics(police.id);
  let admin: Admin;
  let revoke: () => Promise<void>;
  const as = (principal: string): Kafka => testKafka(`acl-test-${principal}`, kafkaConnection(principalKafkaConfig(principal)));

  /** Produces one message as `principal`; resolves to the broker's error type, or 'OK'. */
  async function produce(principal: string, topic: string): Promise<string> {
    const producer = as(principal).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: JSON.stringify({ replyId: 'acl-test', by: principal }) }] });
      return 'OK';
    } catch (err) {
      return errorType(err);
    } finally {
      await producer.disconnect();
    }
  }

  /** Reads `topic` from the beginning as `principal` in `groupId`; resolves to the first value, or the broker's error type. */
  async function consume(principal: string, topic: string, groupId: string): Promise<string> {
    const consumer = as(principal).consumer({ groupId, retry: { retries: 0 }, maxWaitTimeInMs: 100 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      return await new Promise<string>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (e) => resolve(errorType(e.payload.error)));
        consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') }).catch(reject);
      });
    } catch (err) {
      return errorType(err);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  const endOffset = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

  beforeAll(async () => {
    admin = testKafka('acl-test-admin').admin();
    await admin.connect();
    const topics = [TOPICS.whistleEvents, TOPICS.assessmentEvents, TOPICS.policyEvents, ...[mine, theirs].flatMap((d) => [d.assignments, d.replies, d.rejected])];
    await ensureTopics(admin, topics.map((name) => ({ name: t(name), partitions: 1, retention: 'forever' as const })));
    revoke = await grantTestAcls(prefix);
    const producer = testKafka('acl-test-dispatch').producer();
    await producer.connect();
    await producer.send({ topic: t(mine.assignments), messages: [{ key: 'w', value: 'summons for fire' }] });
    await producer.send({ topic: t(theirs.assignments), messages: [{ key: 'w', value: 'summons for police' }] });
    await producer.disconnect();
  }, 60000);

  afterAll(async () => {
    await revoke?.();
    await admin?.disconnect();
    await deleteTestTopics(prefix);
  });

  it("lets a department write its own replies topic and read its own assignments, in its own group", async () => {
    expect(await produce('dept-fire-rescue', t(mine.replies))).toBe('OK');
    expect(await consume('dept-fire-rescue', t(mine.assignments), t(`dept-${fire.id}-client`))).toBe('summons for fire');
  }, 30000);

  it("refuses a department's reply on another department's replies topic: nothing is written", async () => {
    expect(await produce('dept-fire-rescue', t(theirs.replies))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await endOffset(t(theirs.replies))).toBe(0);
  }, 30000);

  it('refuses a department on the whistle events topic, and on its own assignments', async () => {
    expect(await produce('dept-fire-rescue', t(TOPICS.whistleEvents))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await produce('dept-fire-rescue', t(mine.assignments))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await endOffset(t(TOPICS.whistleEvents))).toBe(0);
  }, 30000);

  it("refuses a department reading another department's assignments, or reading in another's group", async () => {
    expect(await consume('dept-fire-rescue', t(theirs.assignments), t(`dept-${fire.id}-client`))).toBe('TOPIC_AUTHORIZATION_FAILED');
    // the broker answers FindCoordinator with GROUP_AUTHORIZATION_FAILED, which kafkajs 2.2.4
    // reports as "failed to find group coordinator" (its own group, above, is found)
    expect(await consume('dept-fire-rescue', t(mine.assignments), t(`dept-${police.id}-client`))).toMatch(/^(GROUP_AUTHORIZATION_FAILED|KafkaJSGroupCoordinatorNotFound)/);
  }, 30000);

  it("refuses a service on another service's topic and on a department's replies; its own topic works", async () => {
    expect(await produce('chuishao-triage', t(TOPICS.policyEvents))).toBe('OK');
    expect(await produce('chuishao-triage', t(TOPICS.assessmentEvents))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await produce('chuishao-dispatch', t(mine.replies))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await endOffset(t(TOPICS.assessmentEvents))).toBe(0);
  }, 30000);
});

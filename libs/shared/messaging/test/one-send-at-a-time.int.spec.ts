import type { Admin, Producer } from 'kafkajs';
import { testKafkaConnection, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka } from '../src';
import { oneSendAtATime } from '../src/kafka';
import { ensureTopics } from '../src/topics';

/**
 * A service's idempotent producer is shared (the outbox relay, rejected messages, tests). kafkajs
 * 2.2.4 can number two overlapping sends to one partition out of order, and the broker refuses the
 * later one with OUT_OF_ORDER_SEQUENCE_NUMBER (tulios/kafkajs#598; it failed a CI run of ours, the
 * relay and a test sending at once). With oneSendAtATime, overlapping sends all land, in the order
 * they were made. On the real broker. (Without it, the first test fails here: the sends land, but
 * not in the order they were made.)
 */
describe('one send at a time on the idempotent producer', () => {
  const prefix = testTopicPrefix('onesend');
  const topic = `${prefix}.items`;
  const kafka = createKafka('onesend-test', testKafkaConnection(), silentLog);
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 1, retention: 'forever' }]);
    producer = oneSendAtATime(kafka.producer({ idempotent: true, maxInFlightRequests: 1 }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('200 overlapping sends (single messages and batches) to one partition all land, in the order they were made', async () => {
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 200; i++) {
      const value = String(i);
      sends.push(
        i % 2 === 0
          ? producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] })
          : producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ key: 'k', value }] }] }),
      );
    }
    const outcomes = await Promise.allSettled(sends);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);

    const [end] = await admin.fetchTopicOffsets(topic);
    expect(Number(end.high)).toBe(200);
    const consumer = kafka.consumer({ groupId: `${prefix}-check`, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(String(message.value));
          if (values.length === 200) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  it('a send that fails does not stop the ones queued behind it', async () => {
    // an idempotent producer refuses any acks but all (-1) before it sends anything
    const failing = producer.send({ topic, acks: 1, messages: [{ key: 'k', value: 'refused' }] });
    const next = producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'after' }] });
    await expect(failing).rejects.toBeTruthy();
    await expect(next).resolves.toBeTruthy();
  });
});

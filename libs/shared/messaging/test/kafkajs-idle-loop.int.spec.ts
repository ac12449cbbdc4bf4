import { createHook } from 'node:async_hooks';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { eventually, testKafkaConnection, testTopicPrefix, silentLog } from '@chuishao/testing';
import { createKafka } from '../src';
import { patchKafkajsIdleLoop } from '../src/kafkajs-idle-loop';
import { ensureTopics } from '../src/topics';

/**
 * kafkajs 2.2.4 re-arms a 1 ms timer forever on every open connection (tulios/kafkajs#1556). With
 * our patch, connected clients that have nothing to send arm almost no timers, and still produce
 * and consume. Counted, on a real broker, as the timers created while a consumer, a producer and
 * an admin sit idle for a second: with the bug it is about a thousand per connection (3,278 counted here without the patch).
 */

describe('kafkajs idle loop patch', () => {
  const prefix = testTopicPrefix('idle');
  const topic = `${prefix}.items`;
  const kafka = createKafka('idle-test', testKafkaConnection(), silentLog);
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  const received: string[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 1, retention: 'forever' }]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `${prefix}-g`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('is applied to the kafkajs version we pin', () => {
    expect(patchKafkajsIdleLoop()).toBe(true);
  });

  it('still delivers, and arms almost no timers while idle', async () => {
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
    await eventually(async () => received.length === 1);
    expect(received).toEqual(['hello']);
    await new Promise((r) => setTimeout(r, 300));
    let timers = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'Timeout') timers++;
      },
    }).enable();
    await new Promise((r) => setTimeout(r, 1000));
    hook.disable();
    // a consumer long-polling every 100 ms plus heartbeats arms a few dozen; the loop arms thousands
    expect(timers).toBeLessThan(200);
    await producer.send({ topic, messages: [{ key: 'k', value: 'again' }] });
    await eventually(async () => received.length === 2);
    expect(received).toEqual(['hello', 'again']);
  });
});

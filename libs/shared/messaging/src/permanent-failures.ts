import type { KafkaMessage } from 'kafkajs';
import type { Failure } from './failure';
import { handled, parkedKeys, type KafkaEventServerOptions } from './kafka-event.options';
import type { ParkingLot } from './parking';
import { rejectedMessage, rejectedTopicFor } from './rejected';

/**
 * A message that failed for a permanent reason, set aside for good (failure.ts, ADR 0020): parked
 * with the later messages of its key when `parking` is given (the route parks), else sent to its
 * topic's `.rejected` companion with the reason.
 */
export async function setAsideForGood(
  parking: ParkingLot | undefined,
  options: Pick<KafkaEventServerOptions, 'groupId' | 'producer' | 'log' | 'onMessage'>,
  topic: string,
  partition: number,
  message: KafkaMessage,
  failure: Failure,
): Promise<void> {
  if (parking) {
    await parking.park(topic, partition, message, failure.reason);
    parkedKeys.set({ group: options.groupId }, parking.size);
    handled.inc({ group: options.groupId, outcome: 'parked' });
    options.onMessage?.(topic, 'parked');
    options.log.warn({ topic, partition, offset: message.offset, reason: failure.reason }, 'message parked');
    return;
  }
  const rejected = rejectedMessage(options.groupId, topic, partition, message, failure.reason, failure.details);
  await options.producer.send({
    topic: rejectedTopicFor(topic),
    acks: -1,
    messages: [{ key: message.key, value: JSON.stringify(rejected), headers: { reason: failure.reason.slice(0, 200) } }],
  });
  handled.inc({ group: options.groupId, outcome: 'rejected' });
  options.onMessage?.(topic, 'rejected');
  options.log.warn({ topic, partition, offset: message.offset, reason: failure.reason }, 'message rejected');
}

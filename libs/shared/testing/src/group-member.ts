import { AssignerProtocol, type Admin, type Consumer } from 'kafkajs';
import { eventually, testKafka } from './support';

const OTHER_MEMBER = 'the-other-member';

/**
 * A second member of a consumer group that takes its share of `topic`'s partitions and holds them,
 * paused (as a second instance of a service would, doing nothing). Resolves once the group is
 * stable with both members, with the partitions the service's member (`mine`) and this one hold.
 */
export async function pausedSecondMember(admin: Admin, groupId: string, topic: string): Promise<{ consumer: Consumer; mine: number[]; theirs: number[] }> {
  const consumer = testKafka(OTHER_MEMBER).consumer({ groupId, sessionTimeout: 30000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  consumer.on(consumer.events.GROUP_JOIN, () => consumer.pause([{ topic }]));
  await consumer.run({ eachBatch: async () => undefined });
  // the service's member rejoins at its next heartbeat
  const members = await eventually(async () => {
    const { groups } = await admin.describeGroups([groupId]);
    if (groups[0].state !== 'Stable' || groups[0].members.length !== 2) return undefined;
    return groups[0].members.map((m) => ({ clientId: m.clientId, partitions: AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [] }));
  }, 60000, 200);
  const partitions = (other: boolean) => members.find((m) => (m.clientId === OTHER_MEMBER) === other)?.partitions ?? [];
  return { consumer, mine: partitions(false), theirs: partitions(true) };
}

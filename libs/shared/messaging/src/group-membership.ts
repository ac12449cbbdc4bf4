import type { Consumer } from 'kafkajs';

/**
 * A consumer's place in its group, as far as it knows: a new `generation` each time it joined (or
 * began to rebalance), and whether it was then the group's only member — so it owned every partition
 * of its topics, and saw every message of them from then on until the generation changes (ADR 0017).
 * `sole` is false until the group's description confirmed it, and from the moment a rebalance begins.
 */
export interface Membership {
  readonly generation: number;
  readonly sole: boolean;
}

export const NOT_KNOWN: Membership = { generation: 0, sole: false };

/**
 * Follows a consumer's membership of its group: the {@link Membership} handed to handlers, and the
 * partitions it was assigned at its last join (who acts on a parked key: the owner of its partition).
 */
export class GroupMembership {
  current: Membership = NOT_KNOWN;
  private assigned = new Map<string, Set<number>>();

  constructor(private readonly warn: (obj: object, msg: string) => void) {}

  /** Whether this member was assigned the partition at its last join (false while rebalancing). */
  owns(topic: string, partition: number): boolean {
    return this.assigned.get(topic)?.has(partition) ?? false;
  }

  /** How many partitions of each topic this member was assigned at its last join. */
  assignedCounts(): Array<[string, number]> {
    return [...this.assigned].map(([topic, partitions]) => [topic, partitions.size]);
  }

  /** A rebalance that begins ends the sole ownership at once; each join opens a new generation, sole once the group's description shows this member alone in it. */
  watch(consumer: Consumer, onJoin: () => void): void {
    const next = (sole: boolean) => (this.current = { generation: this.current.generation + 1, sole });
    consumer.on(consumer.events.REBALANCING, () => {
      next(false);
      this.assigned = new Map();
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const joined = next(false);
      this.assigned = new Map(Object.entries(event.payload.memberAssignment).map(([topic, partitions]) => [topic, new Set(partitions)]));
      onJoin();
      consumer
        .describeGroup()
        .then((group) => {
          if (this.current === joined && group.members.length === 1) this.current = { generation: joined.generation, sole: true };
        })
        .catch((err: unknown) => this.warn({ err }, 'group not described: this member is not taken to be the only one'));
    });
  }
}

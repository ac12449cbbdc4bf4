import type { Consumer, KafkaMessage, OffsetsByTopicPartition } from 'kafkajs';

/**
 * A consumer's offsets, resolved as its messages are done and committed to Kafka every
 * `intervalMs` (and once more on close), not after each batch: the inbox makes a redelivery after
 * a crash or a rebalance harmless.
 *
 * Each commit carries, as its metadata, `{"readTo": ms}`: the broker timestamp of the last message
 * done on that partition. On a topic with `LogAppendTime` every message before it was read, so a
 * reader of the group's offsets (see {@link readUpTo}) knows up to which broker time a partition has
 * been read — what the deadline scheduler waits for (contract §4).
 */
export class OffsetCommits {
  private uncommitted?: () => OffsetsByTopicPartition;
  private readonly readTo = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly o: { intervalMs: number; warn: (obj: object, msg: string) => void },
  ) {}

  start(consumer: () => Consumer | undefined): void {
    this.timer = setInterval(() => void this.commit(consumer()), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Marks a message done (its handler finished, or it was rejected or parked). */
  resolve(resolveOffset: (offset: string) => void, uncommitted: () => OffsetsByTopicPartition, topic: string, partition: number, message: KafkaMessage): void {
    this.uncommitted = uncommitted;
    resolveOffset(message.offset);
    const t = Number(message.timestamp);
    if (Number.isFinite(t)) this.readTo.set(`${topic}\u0000${partition}`, t);
  }

  /** Commits what was resolved since the last commit, if anything. */
  async commit(consumer: Consumer | undefined): Promise<void> {
    const pending =
      this.uncommitted?.().topics.flatMap((t) =>
        t.partitions.map((p) => {
          const readTo = this.readTo.get(`${t.topic}\u0000${p.partition}`);
          return { topic: t.topic, partition: p.partition, offset: p.offset, metadata: readTo === undefined ? null : JSON.stringify({ readTo }) };
        }),
      ) ?? [];
    if (!consumer || pending.length === 0) return;
    await consumer.commitOffsets(pending).catch((err: unknown) => this.o.warn({ err }, 'offsets not committed (they are redelivered and deduplicated if the partition moves)'));
  }
}

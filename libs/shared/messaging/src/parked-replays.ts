import type { KafkaMessage } from 'kafkajs';
import { WakeableSleep } from '@chuishao/platform';
import { classifyFailure } from './failure';
import type { KeyLocks } from './key-locks';
import { parkedMessage, type ParkingLot } from './parking';

export interface ParkedReplaysOptions {
  consumer: string;
  /** How often to look for an operator's requests. */
  pollMs: number;
  /** The consumer's per-key locks: a replay and a live message of the same key never interleave. */
  locks: KeyLocks;
  /** Whether this member owns the partition (only the owner acts: it keeps the key's order). */
  owns: (topic: string, partition: number) => boolean;
  /** One attempt of the topic's handler, or undefined when no handler takes the topic. */
  attempt: (topic: string, partition: number, message: KafkaMessage) => Promise<'ok' | { error: unknown }> | undefined;
  onCleared: () => void;
  log: { info(msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Acts on an operator's requests (`npm run parked -- replay|discard`) for the keys whose partition
 * this member owns: a replay applies the key's parked messages in order, each exactly once (the
 * inbox), and clears the key; one that fails again stays parked with its new reason (a transient
 * failure leaves the request for the next round); a discard drops them and clears the key.
 */
export class ParkedReplays {
  private running = false;
  private loop?: Promise<void>;
  private readonly sleeper = new WakeableSleep();

  constructor(
    private readonly lot: ParkingLot,
    private readonly o: ParkedReplaysOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        for (const request of await this.lot.requested()) {
          if (!this.running || !this.o.owns(request.topic, request.partition)) continue;
          await this.o.locks.run(request.key, () => (request.request === 'DISCARD' ? this.lot.clear(request.key) : this.replay(request.key)));
          this.o.onCleared();
        }
      } catch (err) {
        if (this.running) this.o.log.error({ err }, 'parked requests not served (will retry)');
      }
      await this.sleeper.sleep(this.o.pollMs);
    }
  }

  private async replay(key: string): Promise<void> {
    for (let row = await this.lot.first(key); row; row = await this.lot.first(key)) {
      const outcome = await this.o.attempt(row.topic, row.partition, parkedMessage(row));
      if (outcome === undefined) return; // no handler takes its topic here
      if (outcome !== 'ok') {
        const failure = classifyFailure(outcome.error);
        if (failure.kind !== 'transient') await this.lot.failedAgain(key, row.id, failure.reason);
        this.o.log.warn({ topic: row.topic, partition: row.partition, offset: row.offset, reason: failure.reason }, 'parked message replayed and failed again');
        return;
      }
      await this.lot.applied(row.id);
    }
    await this.lot.clear(key);
    this.o.log.info(`parked messages of ${key || 'the empty key'} replayed for ${this.o.consumer}`);
  }
}

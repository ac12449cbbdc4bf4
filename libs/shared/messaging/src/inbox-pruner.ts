import type { DataSource } from 'typeorm';

/**
 * Prunes the inbox: a row older than the retention is forgotten, a few thousand at a time, once an
 * hour (and a minute after start). A message can come back only while it is redelivered — the
 * uncommitted tail after a crash or a rebalance (seconds), an outbox row published again after the
 * relay's crash (until its delete, under a second) — or when a consumer group that lost its
 * committed offsets reads its topics again from the beginning, which Kafka allows after
 * `offsets.retention.minutes` (7 days by default) with the group empty. So the retention
 * (CHUISHAO_INBOX_RETENTION_DAYS, default 30) must stay above the broker's offsets retention;
 * docs/reliability.md says how to set both.
 */
export class InboxPruner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly ds: DataSource,
    private readonly o: { retentionDays: number; error: (obj: object, msg: string) => void; firstAfterMs?: number; everyMs?: number },
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.pruneOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.o.error({ err }, 'inbox not pruned (will retry)'));
    };
    this.timer = setTimeout(function again(this: InboxPruner) {
      tick();
      this.timer = setTimeout(again.bind(this), this.o.everyMs ?? 3_600_000);
      this.timer.unref();
    }.bind(this), this.o.firstAfterMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** Deletes every inbox row older than the retention, in slices; returns how many. */
  async pruneOnce(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.o.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      // (a SELECT around the DELETE: TypeORM answers a bare DELETE with [rows, count])
      const [{ n }]: Array<{ n: number }> = await this.ds.query(
        `WITH gone AS (DELETE FROM inbox WHERE ctid IN (SELECT ctid FROM inbox WHERE processed_at < $1 LIMIT 5000) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        [before],
      );
      total += n;
      if (n < 5000) return total;
    }
  }
}

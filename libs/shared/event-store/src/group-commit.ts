import type { DataSource, EntityManager } from 'typeorm';

interface Pending<T> {
  work: (em: EntityManager) => Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  attempts: number;
}

export interface GroupCommitOptions {
  /** Units in one transaction at most (≤ 64 keeps PostgreSQL's subtransaction cache from overflowing). */
  maxBatch?: number;
  /** Transactions in flight at once (each on its own pooled connection). */
  concurrency?: number;
  /** How often a batch whose commit failed with a deadlock or serialization failure is retried. */
  retries?: number;
}

/** PostgreSQL errors after which the whole batch may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Group commit: units of work that arrive while transactions are being committed are run together
 * in the next transaction, each inside its own SAVEPOINT, and made durable by ONE commit (one WAL
 * flush). A unit that fails rolls back to its savepoint and rejects alone; if the commit itself
 * fails, every unit of that batch rejects — except a deadlock or serialization failure (possible
 * when two batches claim the same rows in opposite orders), after which the batch's units are
 * queued again. Nothing is answered before its commit returned, so the durability of each unit is
 * exactly that of its own transaction — at a fraction of the fsyncs. Up to `concurrency`
 * transactions are in flight, so one batch is built while another is flushed to the WAL. At low
 * load a unit runs at once in a batch of one: there is no added delay.
 *
 * A unit must do nothing outside the EntityManager it is given that cannot be repeated: it may run
 * again after a retry, and its effects are only real once its promise resolves.
 */
export class GroupCommitter {
  private queue: Array<Pending<unknown>> = [];
  private active = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly retries: number;

  constructor(
    private readonly dataSource: DataSource,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.min(options.maxBatch ?? 32, 64);
    this.concurrency = options.concurrency ?? 2;
    this.retries = options.retries ?? 3;
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject, attempts: 0 } as Pending<unknown>);
      this.kick();
    });
  }

  private kick(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      this.active++;
      void this.drain().finally(() => {
        this.active--;
        this.kick();
      });
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        await this.dataSource.transaction(async (em) => {
          for (let i = 0; i < batch.length; i++) {
            if (batch.length > 1) await em.query(`SAVEPOINT u${i}`);
            try {
              // no RELEASE: the commit releases every savepoint, and a round trip per unit is saved
              const value = await batch[i].work(em);
              outcomes.push({ ok: true, value });
            } catch (error) {
              // alone in its transaction, or the transaction is lost (deadlock…): the whole batch fails or retries
              if (batch.length === 1 || RETRYABLE.has(sqlState(error))) throw error;
              await em.query(`ROLLBACK TO SAVEPOINT u${i}`);
              outcomes.push({ ok: false, error });
            }
          }
        });
      } catch (error) {
        if (RETRYABLE.has(sqlState(error))) {
          const again = batch.filter((p) => p.attempts++ < this.retries);
          batch.filter((p) => !again.includes(p)).forEach((p) => p.reject(error));
          this.queue.unshift(...again);
        } else {
          batch.forEach((p) => p.reject(error));
        }
        continue;
      }
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    }
  }
}

function sqlState(error: unknown): string {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return String(e?.driverError?.code ?? e?.code ?? '');
}

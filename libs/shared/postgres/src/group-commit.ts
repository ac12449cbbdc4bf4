import type { DataSource, EntityManager } from 'typeorm';

/** What became of one request of a batch: its value, or the error it alone failed with. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Does a whole batch of requests in the transaction it is given, with set-based statements (a few
 * for the batch, not a few per request), and says what became of each. A request it refuses must
 * have written nothing; anything it throws fails the batch (see {@link GroupCommitter}).
 */
export type BatchWork<I, O> = (em: EntityManager, items: readonly I[]) => Promise<ReadonlyArray<Outcome<O>>>;

export interface GroupCommitOptions {
  /** Requests in one transaction at most. */
  maxBatch?: number;
  /** Transactions in flight at once (each on its own pooled connection). */
  concurrency?: number;
  /** How often a batch whose commit failed with a deadlock or serialization failure is retried. */
  retries?: number;
  /**
   * false: the work writes with ONE statement, atomic on its own, so no transaction is opened
   * around it (no BEGIN and COMMIT round trips); it gets the DataSource's manager. Default true.
   */
  transaction?: boolean;
  /**
   * true: a batch that would start while no transaction is in flight first waits one turn of the
   * event loop (`setImmediate`), so that requests handed in by the same I/O callback go together —
   * e.g. the partition batches of one Kafka fetch (ADR 0014). Default false: a lone request runs at once.
   */
  gather?: boolean;
}

/** PostgreSQL errors after which the whole batch may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

interface Pending<I, O> {
  item: I;
  resolve: (v: O) => void;
  reject: (e: unknown) => void;
  attempts: number;
}

/**
 * Group commit: requests that arrive while transactions are being committed are handed together
 * to the batch work, which does them with a few statements in ONE transaction, made durable by ONE
 * commit (one WAL flush) — ADR 0005, ADR 0007. Nothing is answered before its commit returned, so
 * each request is exactly as durable as in a transaction of its own, at a fraction of the
 * statements and fsyncs. At low load a request runs at once in a batch of one: no added delay.
 *
 * A request the work refuses (its Outcome) rejects alone while the others commit. If the work
 * throws, the transaction is rolled back and its requests are run again one by one, so one bad
 * request cannot fail its neighbours; a deadlock or serialization failure (two batches claiming the
 * same rows in opposite orders) simply reruns the batch. Up to `concurrency` transactions are in
 * flight, so one batch is built while another is flushed to the WAL.
 */
export class GroupCommitter<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private active = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly transaction: boolean;
  private readonly gather: boolean;
  /** A gathering turn is pending (see {@link GroupCommitOptions.gather}). */
  private gathering = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly work: BatchWork<I, O>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.concurrency = options.concurrency ?? 2;
    this.retries = options.retries ?? 3;
    this.transaction = options.transaction ?? true;
    this.gather = options.gather ?? false;
  }

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject, attempts: 0 });
      if (!this.gather || this.active > 0) return this.kick();
      if (this.gathering) return;
      this.gathering = true;
      setImmediate(() => {
        this.gathering = false;
        this.kick();
      });
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
    while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.maxBatch));
  }

  private async commit(batch: Array<Pending<I, O>>): Promise<void> {
    let outcomes: ReadonlyArray<Outcome<O>>;
    try {
      const items = batch.map((p) => p.item);
      outcomes = await (this.transaction ? this.dataSource.transaction((em) => this.work(em, items)) : this.work(this.dataSource.manager, items));
      if (outcomes.length !== batch.length) throw new Error(`batch work answered ${outcomes.length} outcomes for ${batch.length} requests`);
    } catch (error) {
      if (RETRYABLE.has(sqlState(error))) {
        const again = batch.filter((p) => p.attempts++ < this.retries);
        batch.filter((p) => !again.includes(p)).forEach((p) => p.reject(error));
        this.queue.unshift(...again);
      } else if (batch.length > 1) {
        for (const p of batch) await this.commit([p]); // find the one that fails; the others commit
      } else {
        batch[0].reject(error);
      }
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}

function sqlState(error: unknown): string {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return String(e?.driverError?.code ?? e?.code ?? '');
}

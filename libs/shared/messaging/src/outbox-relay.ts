import type { Client } from 'pg';
import { outboxWritesInFlight, onOutboxCommit, type CommittedOutboxRow, type OutboxCommit } from './outbox-commits';
import { tuned, WakeableSleep } from '@chuishao/platform';
import { publishable } from './relay-frontier';
import { GAP_WAIT_MS, LINGERING_DELETE_MS, REMEMBERED_IDS, VACUUM_EVERY_DELETED_ROWS, type RelayOptions } from './outbox-relay.options';
import { openRelayClient, produceRows, rememberIds, vacuumOutbox } from './relay-connection';

export { VACUUM_EVERY_DELETED_ROWS, type RelayDrain, type RelayOptions } from './outbox-relay.options';

/** Switched off only to be measured side by side (platform's tuning.ts). */
const [inProcessWake, handover, deferDeletes] = [tuned('in-process-wake'), tuned('handover'), tuned('deferred-deletes')];

/**
 * Publishes committed outbox rows in id order with kafkajs' idempotent producer, then deletes
 * them. One relay per schema holds an advisory lock, so per-key order is kept. A crash between
 * publish and delete republishes: consumers deduplicate by event id (inbox).
 *
 * Wakes (ADR 0013): when a connection of this process commits outbox rows ({@link onOutboxCommit});
 * on NOTIFY, which the outbox trigger sends for writers that do not wake a relay themselves, and
 * which a standby relay (another instance of the service holds the lock) sends to the one that
 * holds it when its own process commits outbox rows.
 *
 * Rows its own process committed come with the wake, with their ids (ADR 0019): the relay publishes
 * them without reading them back when every id between the last one it published and theirs is
 * among them — no other writer's row can then be waiting before them — and reads its outbox
 * otherwise (an id it was not given: another instance's row, a rolled-back insert, rows whose ids
 * a statement did not return). Published rows are deleted by the next read, which comes at the
 * latest {@link LINGERING_DELETE_MS} after them.
 */
export class OutboxRelay {
  private client?: Client;
  /** The connection that waits for the lock, while this relay stands by. */
  private standby?: Client;
  /** This relay holds the schema's lock and publishes. */
  private leader = false;
  private forwarding = false;
  private forwardAgain = false;
  private unsubscribe?: () => void;
  private running = false;
  private readonly sleeper = new WakeableSleep();
  private pendingWake = false;
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly safetyPollMs: number;
  /** Published rows not deleted yet: deleted by the next read's own statement (or on stop). */
  private published: string[] = [];
  /** When the oldest of them was published (ms, performance.now()). */
  private publishedSince = 0;
  /** Rows deleted since the relay's last VACUUM of the outbox. */
  private deletedSinceVacuum = 0;
  private readonly vacuumEveryRows: number;
  private readonly gapWaitMs: number;
  /** Rows this process committed, handed over with their ids, not published yet. */
  private committed: CommittedOutboxRow[] = [];
  /** The outbox must be read: a NOTIFY, a commit whose rows are not all known, a gap in the ids, the safety poll. */
  private mustRead = true;
  /** Every id up to this one is published or was read (undefined: not known; the next read sets it). */
  private frontier?: number;
  /** Since when (performance.now()) handed-over rows wait at a gap for this process's writes under way. */
  private gapSince?: number;
  /** Ids published lately (insertion order, bounded by REMEMBERED_IDS). */
  private readonly remembered = new Set<string>();

  constructor(private readonly opts: RelayOptions) {
    this.batchSize = opts.batchSize ?? 500;
    this.safetyPollMs = opts.safetyPollMs ?? 5000;
    this.vacuumEveryRows = opts.vacuumEveryRows ?? VACUUM_EVERY_DELETED_ROWS;
    this.gapWaitMs = opts.gapWaitMs ?? GAP_WAIT_MS;
  }

  async start(): Promise<void> {
    this.running = true;
    if (inProcessWake) this.unsubscribe = onOutboxCommit((commit) => this.committedHere(commit));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  /** A connection of this process committed outbox rows (of this schema, or of one not known). */
  private committedHere(commit: OutboxCommit): void {
    if (commit.schema !== undefined && commit.schema !== this.opts.schema) return; // another schema's relay publishes them
    if (!this.leader || !commit.rows || commit.schema === undefined || !handover) return this.poke();
    for (const r of commit.rows) this.committed.push(r);
    this.signal();
  }

  /**
   * Outbox rows were committed that this relay was not given: read them now if it holds the lock;
   * else tell the relay that does, as the trigger would have (a NOTIFY alone in its transaction
   * writes no WAL, so it holds the server's notify lock only for a moment). NOTIFYs are not
   * stacked: one in flight, and one more after it if pokes came meanwhile.
   */
  poke(): void {
    if (this.leader) {
      this.mustRead = true;
      this.signal();
      return;
    }
    const standby = this.standby;
    if (!standby || !this.running) return;
    if (this.forwarding) {
      this.forwardAgain = true;
      return;
    }
    this.forwarding = true;
    this.forwardAgain = false;
    standby
      .query('SELECT pg_notify($1, NULL)', [`chuishao_outbox_${this.opts.schema}`])
      .catch((err: unknown) => this.opts.onError?.(err))
      .finally(() => {
        this.forwarding = false;
        if (this.forwardAgain) this.poke();
      });
  }

  private async connect(): Promise<Client | undefined> {
    const client = await openRelayClient(this.opts, () => {
      this.mustRead = true;
      this.signal();
    });
    // One relay per schema: wait for the lock (a second instance stands by, forwarding its wakes).
    this.standby = client;
    try {
      while (this.running) {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`outbox:${this.opts.schema}`]);
        if (r.rows[0].ok) break;
        await this.sleep(1000); // (only stop wakes it: a standby's pokes are forwarded, not signalled)
      }
    } finally {
      this.standby = undefined;
    }
    if (!this.running) {
      // stopped while standing by: without the lock, publish nothing
      await client.end().catch(() => undefined);
      return undefined;
    }
    await client.query(`LISTEN chuishao_outbox_${this.opts.schema}`);
    // the run loop reads at once: rows committed while this relay stood by (or before a reconnect)
    // are published; what it knew before is forgotten
    this.committed = [];
    this.frontier = undefined;
    this.mustRead = true;
    this.leader = true;
    return client;
  }

  private signal(): void {
    this.pendingWake = true;
    this.sleeper.wake();
  }

  private sleep(ms: number): Promise<void> {
    return this.sleeper.sleep(ms);
  }

  private deleteDue(): boolean {
    return this.published.length > 0 && (this.published.length >= this.batchSize || performance.now() - this.publishedSince >= LINGERING_DELETE_MS);
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        if (!this.client) this.client = await this.connect();
        if (!this.client) break;
        this.pendingWake = false;
        if (this.mustRead || this.frontier === undefined || this.deleteDue()) {
          this.mustRead = false;
          let n: number;
          do {
            n = await this.drainOnce(this.client);
          } while (n === this.batchSize && this.running);
          await this.vacuumIfDue(this.client);
        } else if (this.committed.length > 0) {
          await this.publishCommitted();
        }
        backoff = 100;
        if (this.pendingWake || this.mustRead || !this.running) continue;
        const atGap = this.gapSince !== undefined && this.committed.length > 0;
        if (this.committed.length > 0 && this.frontier !== undefined && !atGap) continue;
        // until the next wake; at the latest, the end of the wait at a gap, or the delete of rows
        // published (with the next read: soon, if no wake comes), or the safety poll
        const now = performance.now();
        await this.sleep(
          Math.max(1, atGap ? this.gapSince! + this.gapWaitMs - now : this.published.length > 0 ? LINGERING_DELETE_MS - (now - this.publishedSince) : this.safetyPollMs),
        );
        if (!this.pendingWake) this.mustRead = true;
      } catch (err) {
        this.opts.onError?.(err);
        this.leader = false;
        await this.client?.end().catch(() => undefined);
        this.client = undefined;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    if (this.client && this.published.length > 0) {
      await this.client.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [this.published]).catch(() => undefined);
      this.published = [];
    }
    this.leader = false;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /**
   * VACUUMs the outbox once enough rows were deleted since the last time (between drains, when the
   * relay has caught up): the dead rows' index entries and heap tuples go, so the next drains read
   * only live rows, and new rows reuse their space. It takes no lock that the writers' inserts wait
   * for; a role that does not own the table gets a warning from PostgreSQL and nothing is done; a
   * VACUUM that fails is reported (onError) and publishing goes on.
   */
  private async vacuumIfDue(client: Client): Promise<void> {
    if (this.vacuumEveryRows <= 0 || this.deletedSinceVacuum < this.vacuumEveryRows || !this.running) return;
    this.deletedSinceVacuum = 0;
    await vacuumOutbox(client, this.opts);
  }

  /**
   * Publishes, without reading them, the rows its process committed whose ids follow on from what
   * was published (and any that committed after a later row was published: as a read would); at a
   * gap it stops and has the outbox read, in id order, from there.
   */
  private async publishCommitted(): Promise<void> {
    const { batch, waiting, frontier } = publishable(this.committed, this.frontier!, this.remembered, this.batchSize);
    this.committed = waiting;
    this.frontier = frontier;
    if (this.committed.length === 0 || batch.length === this.batchSize) this.gapSince = undefined;
    else {
      // a row before them was not handed over: wait a little if this process may still hand it
      // over (a write under way), else read the outbox, which has every committed row in id order
      const now = performance.now();
      this.gapSince ??= now;
      if (outboxWritesInFlight() === 0 || now - this.gapSince >= this.gapWaitMs) {
        this.gapSince = undefined;
        this.mustRead = true;
      }
    }
    if (batch.length === 0) return;
    const started = process.hrtime.bigint();
    await this.send(batch);
    this.opts.onDrained?.({ source: 'commit', rows: batch.length, readSeconds: 0, publishSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
  }

  /** Produces rows (acks=all), in their order, then counts them published: deleted by the next read. */
  private async send(rows: ReadonlyArray<CommittedOutboxRow>): Promise<void> {
    await produceRows(this.opts.producer, rows);
    rememberIds(this.remembered, rows, REMEMBERED_IDS);
    if (!deferDeletes) {
      await this.client!.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      this.deletedSinceVacuum += rows.length;
      return;
    }
    if (this.published.length === 0) this.publishedSince = performance.now();
    for (const r of rows) this.published.push(r.id);
  }

  /**
   * Reads and publishes one batch from the outbox; returns how many rows it published. The rows
   * published before are deleted in the same statement (one round trip a batch, not two): until
   * then they stay, and a crash republishes them, which the consumers' inbox drops (ADR 0009).
   */
  async drainOnce(client: Client): Promise<number> {
    const done = this.published;
    const started = process.hrtime.bigint();
    // the DELETE and the SELECT share a snapshot, so the SELECT skips the deleted ids itself (not
    // by `id > max`: a row with a smaller id may commit after a larger one was published)
    const { rows } = await client.query<CommittedOutboxRow>(
      done.length > 0
        ? `WITH d AS (DELETE FROM outbox WHERE id = ANY($2::bigint[]))
           SELECT id, topic, key, value, headers FROM outbox WHERE id <> ALL($2::bigint[]) ORDER BY id LIMIT $1`
        : `SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT $1`,
      done.length > 0 ? [this.batchSize, done] : [this.batchSize],
    );
    this.published = [];
    this.gapSince = undefined;
    this.deletedSinceVacuum += done.length;
    if (rows.length === 0) {
      this.forgetCommittedPublished();
      return 0;
    }
    const read = process.hrtime.bigint();
    await this.send(rows);
    const last = Number(rows[rows.length - 1].id);
    if (this.frontier === undefined || last > this.frontier) this.frontier = last;
    this.forgetCommittedPublished();
    this.opts.onDrained?.({ source: 'outbox', rows: rows.length, readSeconds: Number(read - started) / 1e9, publishSeconds: Number(process.hrtime.bigint() - read) / 1e9 });
    return rows.length;
  }

  /** Handed-over rows that a read published are not published again. */
  private forgetCommittedPublished(): void {
    if (this.committed.length > 0) this.committed = this.committed.filter((r) => !this.remembered.has(r.id));
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { systemActor } from '@chuishao/contracts';
import { counter, gauge, WakeableSleep } from '@chuishao/platform';
import { deadlineMet, decide, isClosed, judgedDueOf } from '@chuishao/dispatch-domain';
import { DispatchStreams } from '../whistle/dispatch-streams';
import { RepliesWatermark } from './replies-watermark';
import { DeadlinesRepository, type DueDeadline } from './deadlines.repository';

const judged = counter('chuishao_dispatch_deadlines_judged_total', 'Deadlines judged by the scheduler, by kind and outcome', ['kind', 'outcome']);
const waiting = gauge('chuishao_dispatch_deadlines_waiting', 'Due deadlines waiting until every replies partition has been applied past them (contract §4)');

/** The longest the scheduler sleeps: a deadline is judged within about this long after it falls due. */
const MAX_SLEEP_MS = 1000;
/** Due deadlines read per pass, and whistles judged concurrently (each in its own transaction). */
const BATCH = 200;
const WORKERS = 4;
/** A due deadline that waits longer than this for the replies is logged (with how far they were read). */
const LONG_WAIT_MS = 5000;

/**
 * Durable deadlines. The schedule is the `deadlines` table, written in the same transactions as
 * the events that set or move deadlines; nothing is held only in memory. The scheduler wakes at
 * the nearest PENDING due_at (sleeping at most {@link MAX_SLEEP_MS}, so new rows are picked up
 * within a second) and judges each due row — several whistles at a time — in ONE transaction: lock the whistle's stream, lock
 * the row (`FOR UPDATE SKIP LOCKED`, so several instances share the work), decide with the
 * decider (missed only if not reported / arrived / completed by then, judged by receipt time),
 * append `DeadlineMissed` (+ `WhistleEscalated` on the assignment's first miss), outbox, and mark
 * the row MISSED, MET or SKIPPED. A crash before the commit leaves the row PENDING: it is judged
 * again after a restart; after the commit it is not PENDING any more, and the decider refuses a
 * second miss of the same kind — exactly one DeadlineMissed per assignment and kind.
 * A due deadline is judged only once every replies partition has been applied past it
 * (RepliesWatermark, contract §4): a reply on the bus but not applied yet may prove it was met.
 * While the replies lag or their consumer fails, the deadline waits — no fixed grace.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DeadlineScheduler');
  private running = false;
  private loop?: Promise<void>;
  private readonly sleeper = new WakeableSleep();
  private longWaitLogged = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly streams: DispatchStreams,
    private readonly replies: RepliesWatermark,
    private readonly deadlines: DeadlinesRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return this.sleeper.sleep(ms);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const now = new Date();
        const found = await this.deadlines.due(this.dataSource, now, BATCH);
        const readTo = found.length > 0 ? await this.replies.readTo() : 0;
        const due = found.filter((r) => new Date(r.due_at).getTime() < readTo);
        waiting.set(found.length - due.length);
        if (found.length > 0 && due.length === 0) {
          this.logLongWait(found[0], readTo);
          await this.sleep(100); // replies not yet applied may settle these: wait for the consumer
          continue;
        }
        if (due.length > 0) {
          const failed = await this.judgeAll(due, now);
          if (failed > 0) await this.sleep(MAX_SLEEP_MS); // a failing row must not spin the loop
          continue;
        }
        const next = await this.deadlines.nextDue(this.dataSource);
        const wait = next ? new Date(next).getTime() - Date.now() : MAX_SLEEP_MS;
        await this.sleep(Math.min(MAX_SLEEP_MS, Math.max(5, wait)));
      } catch (err) {
        if (!this.running) break;
        this.log.error({ err, msg: 'deadline scheduler error (will retry)' });
        await this.sleep(MAX_SLEEP_MS);
      }
    }
  }

  private logLongWait(oldest: DueDeadline, readTo: number): void {
    const late = Date.now() - new Date(oldest.due_at).getTime();
    if (late < LONG_WAIT_MS || Date.now() - this.longWaitLogged < 10_000) return;
    this.longWaitLogged = Date.now();
    this.log.warn({
      msg: `deadlines wait for the replies: the oldest fell due ${late} ms ago, the replies are applied up to ${readTo ? new Date(readTo).toISOString() : 'an unknown time'} (consumer lagging or failing: see /health)`,
    });
  }

  /**
   * Judges due deadlines WORKERS whistles at a time (the deadlines of one whistle one after the
   * other: they share its stream). Returns how many failed (they stay PENDING and come back).
   */
  private async judgeAll(due: DueDeadline[], now: Date): Promise<number> {
    const byWhistle = new Map<string, DueDeadline[]>();
    for (const row of due) byWhistle.set(row.whistle_id, [...(byWhistle.get(row.whistle_id) ?? []), row]);
    const queue = [...byWhistle.values()];
    let failed = 0;
    const worker = async () => {
      for (let group = queue.shift(); group && this.running; group = queue.shift()) {
        for (const row of group) {
          try {
            await this.judge(row, now);
          } catch (err) {
            failed += 1;
            this.log.error({ err, msg: `judging deadline ${row.id} failed (will retry)` });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    return failed;
  }

  /** Judges one due deadline in one transaction (see the class comment). */
  async judge(candidate: DueDeadline, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      // Same lock order as every writer: the whistle's stream first, then the deadline row.
      const loaded = await this.streams.load(em, candidate.whistle_id);
      const row = await this.deadlines.lockPending(em, candidate.id);
      if (!row) return; // judged meanwhile (another instance, or a reply settled it)
      let dueAt = new Date(row.due_at).toISOString();
      const a = loaded.state.assignments.find((x) => x.id === row.assignment_id);
      if (a) {
        const current = judgedDueOf(a, row.kind); // an extension approved after it fell due leaves it standing
        if (Date.parse(current) > Date.parse(dueAt)) {
          if (!isClosed(loaded.state) && Date.parse(current) > now.getTime()) {
            await this.deadlines.moveLater(em, row.id, current); // moved later: not due yet
            return;
          }
          dueAt = current; // moved later (a dispute's pause, an override, an extension) and due since: judged at its current time
        }
      }
      // The decider skips what must not fire: a DISPUTED assignment's paused clock, a deadline due at
      // or after its whistle's closing (a CLOSED assignment); one due before either is judged.
      const events = decide({ type: 'MissDeadline', assignmentId: row.assignment_id, kind: row.kind, dueAt }, loaded.state);
      await this.streams.commit(em, loaded, events, { correlationId: randomUUID(), causationId: null, actor: systemActor('dispatch') });
      const outcome = events.length > 0 ? 'MISSED' : a && deadlineMet(a, row.kind, dueAt) ? 'MET' : 'SKIPPED';
      await this.deadlines.settle(em, row.id, outcome);
      judged.inc({ kind: row.kind, outcome });
      if (outcome === 'MISSED') {
        this.log.log(`deadline missed: ${row.kind} of assignment ${row.assignment_id} (whistle ${row.whistle_id}) due ${dueAt}, judged ${Date.now() - Date.parse(dueAt)} ms after`);
      }
    });
  }
}

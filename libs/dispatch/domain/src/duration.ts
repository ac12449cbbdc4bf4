import { durationMs } from '@chuishao/contracts';
import type { Deadlines, LevelSla } from '@chuishao/dispatch-contracts';

// SLA durations are part of the contract: one parser for every service.
export { durationMs } from '@chuishao/contracts';

/** Milliseconds → the shortest ISO 8601 duration with hours/minutes/seconds (e.g. 900000 → PT15M). */
export function isoDuration(ms: number): string {
  if (ms <= 0) return 'PT0S';
  let rest = ms / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Math.round((rest - m * 60) * 1000) / 1000;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}` || 'PT0S';
}

/** The three deadlines of an assignment summoned (or reassigned) at `start` under `sla`. */
export function deadlinesFrom(start: string | Date, sla: LevelSla): Deadlines {
  const t = new Date(start).getTime();
  return {
    reportBy: new Date(t + durationMs(sla.report)).toISOString(),
    arriveBy: new Date(t + durationMs(sla.arrive)).toISOString(),
    completeBy: new Date(t + durationMs(sla.complete)).toISOString(),
  };
}

/** For summons recorded before the SLA was kept in the event: the SLA is the deadlines minus summonedAt. */
export function slaFromDeadlines(summonedAt: string, d: Deadlines): LevelSla {
  const t = new Date(summonedAt).getTime();
  return {
    report: isoDuration(new Date(d.reportBy).getTime() - t),
    arrive: isoDuration(new Date(d.arriveBy).getTime() - t),
    complete: isoDuration(new Date(d.completeBy).getTime() - t),
  };
}

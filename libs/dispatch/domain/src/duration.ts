import type { Deadlines, LevelSla } from '@chuishao/dispatch-contracts';

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * ISO 8601 duration → milliseconds (weeks, days, hours, minutes, seconds; no years or months:
 * they have no fixed length). Seconds are allowed (`PT2S`) for drills and tests.
 */
export function durationMs(iso: string): number {
  const m = DURATION.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const [, w, d, h, min, s] = m;
  return (((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60000 + Math.round(Number(s ?? 0) * 1000);
}

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

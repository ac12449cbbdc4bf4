/** SLAs travel as ISO 8601 durations (contract §3): weeks, days, hours, minutes, seconds (fractions allowed). */
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** ISO 8601 duration → milliseconds. Years and months are refused: they have no fixed length. */
export function durationMs(iso: string): number {
  const m = DURATION.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const [, w, d, h, min, s] = m;
  return (((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60000 + Math.round(Number(s ?? 0) * 1000);
}

export function isDuration(iso: string): boolean {
  try {
    durationMs(iso);
    return true;
  } catch {
    return false;
  }
}

/** The three deadlines of an assignment: the level's SLA counted from the time of dispatch. */
export function deadlinesFrom(start: Date, sla: { report: string; arrive: string; complete: string }): { reportBy: string; arriveBy: string; completeBy: string } {
  const t = start.getTime();
  return {
    reportBy: new Date(t + durationMs(sla.report)).toISOString(),
    arriveBy: new Date(t + durationMs(sla.arrive)).toISOString(),
    completeBy: new Date(t + durationMs(sla.complete)).toISOString(),
  };
}

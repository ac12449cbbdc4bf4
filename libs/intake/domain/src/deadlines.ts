import type { WhistleView } from './whistle-view-model';

const OPEN = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];
/**
 * The nearest unmet deadline of an open assignment (possibly already passed: then the whistle is
 * overdue), for the command center's board. Null once the lead completed or the whistle closed.
 */
export function nextDeadline(view: WhistleView): string | null {
  if (['RESOLVED', 'WITHDRAWN', 'COMPLETED'].includes(view.status)) return null;
  const all: string[] = [];
  for (const a of view.assignments) {
    if (!OPEN.includes(a.status)) continue;
    if (!a.reportedAt) all.push(a.deadlines.reportBy);
    if (!a.arrivedAt) all.push(a.deadlines.arriveBy);
    all.push(a.deadlines.completeBy);
  }
  return all.sort()[0] ?? null;
}

/** Which deadline `nextDeadline` is: REPORT, ARRIVE or COMPLETE (the first kind when several share the time). */
export function nextDeadlineKind(view: WhistleView): 'REPORT' | 'ARRIVE' | 'COMPLETE' | null {
  const at = nextDeadline(view);
  if (!at) return null;
  for (const a of view.assignments) {
    if (!OPEN.includes(a.status)) continue;
    if (!a.reportedAt && a.deadlines.reportBy === at) return 'REPORT';
    if (!a.arrivedAt && a.deadlines.arriveBy === at) return 'ARRIVE';
    if (a.deadlines.completeBy === at) return 'COMPLETE';
  }
  return null;
}

import type { DeadlineKind } from '@chuishao/dispatch-contracts';

/** When a department hears of a deadline: 30 and 10 minutes before it, and when it is missed. */
export type NoticeStage = '30' | '10' | 'missed';
const RANK: Record<NoticeStage, number> = { '30': 1, '10': 2, missed: 3 };

/** A deadline still to be met by the department (not yet reported / arrived / completed). */
export interface OpenDeadline {
  assignmentId: string;
  whistleId: string;
  title: string | null;
  kind: DeadlineKind;
  dueAt: Date;
}

/** `event: deadline` of the alerts stream. */
export interface DeadlineNotice {
  assignmentId: string;
  whistleId: string;
  title: string | null;
  kind: DeadlineKind;
  dueAt: string;
  stage: NoticeStage;
  /** Whole minutes left (0 or less once missed). */
  minutesLeft: number;
}

/** The stage a deadline is in at `now`, or undefined while it is more than 30 minutes away. */
export function stageOf(dueAt: Date, now: Date): NoticeStage | undefined {
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return 'missed';
  if (left <= 10 * 60_000) return '10';
  if (left <= 30 * 60_000) return '30';
  return undefined;
}

/**
 * The notices to send now: each deadline once per stage it reaches, and only the latest stage
 * (a stream opened 5 minutes before a deadline says "10 minutes", not "30" as well). `sent`
 * remembers, per stream, the stage each deadline was last announced at, and is updated.
 */
export function dueNotices(deadlines: OpenDeadline[], sent: Map<string, NoticeStage>, now: Date): DeadlineNotice[] {
  const out: DeadlineNotice[] = [];
  for (const d of deadlines) {
    const stage = stageOf(d.dueAt, now);
    if (!stage) continue;
    const key = `${d.assignmentId}:${d.kind}`;
    const before = sent.get(key);
    if (before && RANK[before] >= RANK[stage]) continue;
    sent.set(key, stage);
    out.push({
      assignmentId: d.assignmentId,
      whistleId: d.whistleId,
      title: d.title,
      kind: d.kind,
      dueAt: d.dueAt.toISOString(),
      stage,
      minutesLeft: Math.ceil((d.dueAt.getTime() - now.getTime()) / 60_000),
    });
  }
  return out;
}

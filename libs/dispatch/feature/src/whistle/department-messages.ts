import { departmentTopics } from '@chuishao/contracts';
import type { OutboxMessage } from '@chuishao/messaging';
import type { DepartmentTopicMessage } from '@chuishao/dispatch-contracts';
import type { AssignmentState, DispatchState, DispatchStreamEvent } from '@chuishao/dispatch-domain';
import type { WhistleBrief } from './whistle-briefs';

/** What the events alone do not say: the street's reason for a reopen or a withdrawal. */
export interface MessageContext {
  reason?: string;
}

/**
 * What each department is told on its own assignments topic (the assignments channel of the generated AsyncAPI document): a new
 * assignment (SUMMONED), a cancellation, a reopen, changed deadlines, a dispute decision, an
 * overdue deadline (催办), the whistle's closing and the decision on an extension request (延期申请).
 * Key = whistleId; header `message-type` = type.
 */
export function departmentMessages(
  events: ReadonlyArray<DispatchStreamEvent>,
  after: DispatchState,
  brief: WhistleBrief,
  topic: (name: string) => string,
  now: string,
  context: MessageContext = {},
): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  const byId = (id: string) => after.assignments.find((a) => a.id === id);
  const send = (departmentId: string, msg: DepartmentTopicMessage) =>
    out.push({
      topic: topic(departmentTopics(departmentId).assignments),
      key: brief.whistleId,
      value: JSON.stringify(msg),
      headers: { 'message-type': msg.type },
    });
  const summon = (a: AssignmentState) =>
    send(a.departmentId, {
      type: 'SUMMONED',
      assignmentId: a.id,
      whistleId: brief.whistleId,
      role: a.role,
      level: after.level ?? 'BLUE',
      situationCode: brief.situationCode,
      title: brief.title,
      description: brief.description,
      location: brief.location,
      deadlines: a.deadlines,
      summonedAt: a.summonedAt,
    });

  for (const e of events) {
    switch (e.type) {
      case 'DepartmentsSummoned':
        for (const s of e.data.assignments) {
          const a = byId(s.assignmentId);
          if (a) summon(a);
        }
        break;
      case 'DisputeResolved': {
        const d = e.data;
        send(d.departmentId, {
          type: 'DISPUTE_RESOLVED',
          assignmentId: d.assignmentId,
          whistleId: d.whistleId,
          decision: d.decision,
          reason: d.reason,
          resolvedAt: d.resolvedAt ?? now,
          ...(d.decision === 'REJECT' && d.deadlines ? { deadlines: d.deadlines } : {}),
        });
        const r = d.reassignedTo ? byId(d.reassignedTo.assignmentId) : undefined;
        if (r) summon(r);
        break;
      }
      case 'AssignmentsCancelled':
        for (const id of e.data.assignmentIds) {
          const a = byId(id);
          if (a) send(a.departmentId, { type: 'CANCELLED', assignmentId: id, whistleId: e.data.whistleId, reason: e.data.reason, cancelledAt: now });
        }
        break;
      case 'AssignmentsClosed': {
        // Withdrawal: CANCELLED with the street's reason (as before); confirmation: CLOSED.
        const d = e.data;
        for (const id of d.assignmentIds) {
          const a = byId(id);
          if (!a) continue;
          if (d.cause === 'WHISTLE_WITHDRAWN') {
            send(a.departmentId, { type: 'CANCELLED', assignmentId: id, whistleId: d.whistleId, reason: d.reason ?? 'WHISTLE_WITHDRAWN', cancelledAt: d.closedAt });
          } else {
            send(a.departmentId, { type: 'CLOSED', assignmentId: id, whistleId: d.whistleId, reason: 'WHISTLE_CONFIRMED', closedAt: d.closedAt, status: 'CLOSED' });
          }
        }
        break;
      }
      case 'DeadlinesChanged':
        for (const c of e.data.assignments) {
          const a = byId(c.assignmentId);
          if (!a) continue;
          if (e.data.reason === 'WHISTLE_REOPENED') {
            send(a.departmentId, { type: 'REOPENED', assignmentId: a.id, whistleId: e.data.whistleId, reason: context.reason ?? e.data.reason, deadlines: c.deadlines, reopenedAt: now });
          } else {
            send(a.departmentId, {
              type: 'DEADLINES_CHANGED',
              assignmentId: a.id,
              whistleId: e.data.whistleId,
              level: e.data.level ?? after.level ?? 'BLUE',
              reason: e.data.reason,
              deadlines: c.deadlines,
              changedAt: now,
            });
          }
        }
        break;
      case 'DeadlineMissed': {
        const d = e.data;
        const escalated = events.some((x) => x.type === 'WhistleEscalated' && x.data.assignmentId === d.assignmentId);
        send(d.departmentId, { type: 'OVERDUE', assignmentId: d.assignmentId, whistleId: d.whistleId, kind: d.kind, dueAt: d.dueAt, escalated });
        break;
      }
      case 'ExtensionDecided': {
        const d = e.data;
        send(d.departmentId, {
          type: 'EXTENSION_DECIDED',
          assignmentId: d.assignmentId,
          whistleId: d.whistleId,
          requestId: d.requestId,
          kind: d.kind,
          decision: d.decision,
          reason: d.reason,
          until: d.until,
          decidedAt: d.decidedAt,
          ...(d.decision === 'APPROVE' && d.deadlines ? { deadlines: d.deadlines } : {}),
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

import type { DispatchEvent } from '@chuishao/dispatch-contracts';
import { deadlinesFrom } from './duration';
import { shift } from './deadlines';
import { blank, clean, ms, refuse } from './refusal';
import { assertOpenWhistle, currentSla, find, type DispatchState } from './dispatch.state';

/**
 * 退单处理: the command center upholds or rejects a department's dispute (contract §4: the clock
 * stops while DISPUTED). On REJECT every deadline not yet due when the dispute was received moves
 * by the time the dispute waited (the time that was left is left again); on UPHOLD with
 * reassignment the new department's deadlines start at the decision.
 */
export interface ResolveDisputeCommand {
  type: 'ResolveDispute';
  assignmentId: string;
  decision: 'UPHOLD' | 'REJECT';
  reason: string;
  reassignTo: string | null;
  newAssignmentId: string;
  now: string;
}

export function resolveDispute(c: ResolveDisputeCommand, state: DispatchState): DispatchEvent[] {
  const a = find(state, c.assignmentId);
  if (blank(c.reason)) refuse('invalid', 'REASON_REQUIRED', 'a reason is required (须说明理由)');
  if (c.decision === 'REJECT' && c.reassignTo) refuse('invalid', 'REASSIGN_ONLY_ON_UPHOLD', 'reassignTo is only for UPHOLD');
  if (c.decision === 'UPHOLD' && a.role === 'LEAD' && !c.reassignTo) {
    refuse('invalid', 'REASSIGN_REQUIRED', 'upholding the dispute of the LEAD department needs reassignTo (a new lead department)');
  }
  if (c.reassignTo && c.reassignTo === a.departmentId) refuse('invalid', 'REASSIGN_TO_SAME', 'reassignTo must be another department');
  assertOpenWhistle(state);
  if (a.status !== 'DISPUTED') refuse('conflict', 'NOT_DISPUTED', `the assignment is ${a.status}, not DISPUTED`);
  const reassignedTo =
    c.decision === 'UPHOLD' && c.reassignTo
      ? { assignmentId: c.newAssignmentId, departmentId: c.reassignTo, role: a.role, deadlines: deadlinesFrom(c.now, currentSla(state)) }
      : null;
  // REJECT: the clock resumes with the time that was left when the dispute was received.
  const pausedMs = c.decision === 'REJECT' && a.disputedAt ? Math.max(0, ms(c.now) - ms(a.disputedAt)) : 0;
  const resumed = c.decision === 'REJECT' ? { deadlines: shift(a.deadlines, pausedMs, a.disputedAt), pausedMs } : {};
  return [
    {
      type: 'DisputeResolved',
      data: {
        whistleId: state.whistleId as string,
        assignmentId: a.id,
        departmentId: a.departmentId,
        decision: c.decision,
        reason: clean(c.reason) as string,
        reassignedTo,
        resolvedAt: c.now,
        ...resumed,
      },
    },
  ];
}

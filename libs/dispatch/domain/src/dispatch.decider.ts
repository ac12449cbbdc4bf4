import { decideExtension, type DecideExtensionCommand } from './extensions';
import { missDeadline, type MissDeadlineCommand } from './deadlines';
import { resolveDispute, type ResolveDisputeCommand } from './disputes';
import { applyReply, type ApplyReplyCommand } from './replies';
import { summon, type SummonCommand } from './summons';
import { close, override, reopen, type WhistleFactCommand } from './whistle-facts';
import type { DispatchState, DispatchStreamEvent } from './dispatch.state';

export * from './dispatch.state';
export { evolve, fold, withLegacyClosing } from './dispatch.evolve';
export { deadlineMet, deadlineSuspended, shift } from './deadlines';
export { DispatchRefusal } from './refusal';
export type { ApplyReplyCommand, MissDeadlineCommand, ResolveDisputeCommand, SummonCommand, WhistleFactCommand };

/**
 * The dispatch decider of one whistle: every command dispatch handles, one `decide` and one
 * `evolve` (./dispatch.evolve.ts) over its stream. Each command's rules live in their own file:
 * summons (./summons.ts, routing in ./routing.ts), replies (./replies.ts), disputes
 * (./disputes.ts), deadlines (./deadlines.ts), extensions (./extensions.ts) and the whistle's
 * closing, reopen and override (./whistle-facts.ts).
 */
export type DispatchCommand = SummonCommand | ApplyReplyCommand | DecideExtensionCommand | ResolveDisputeCommand | MissDeadlineCommand | WhistleFactCommand;

/** decide: (command, state) → events. Pure; throws DispatchRefusal when the command is not allowed; [] = nothing to do. */
export function decide(command: DispatchCommand, state: DispatchState): DispatchStreamEvent[] {
  switch (command.type) {
    case 'Summon':
      return summon(command, state);
    case 'ApplyReply':
      return applyReply(command, state);
    case 'DecideExtension':
      return decideExtension(command, state);
    case 'ResolveDispute':
      return resolveDispute(command, state);
    case 'MissDeadline':
      return missDeadline(command, state);
    case 'Reopen':
      return reopen(command, state);
    case 'Close':
      return close(command, state);
    case 'Override':
      return override(command, state);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

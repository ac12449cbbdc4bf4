export { deadlinesFrom, durationMs } from './duration';
export { decide, evolve, fold, withLegacyClosing, deadlineMet, DispatchRefusal, isClosed, type WhistlePhase, type AssignmentState, type DispatchState, INITIAL_DISPATCH_STATE, type DispatchStreamEvent, isPublished, type ReplyCommandData, replyEventType, replyKey } from './dispatch.decider';
export { extensionRequestId, judgedDueOf, type ExtensionStatus, type ExtensionState } from './extensions';
export { periodStartMonth, summonsPeriod, extensionCapOfSummons, type ExtensionCapVersion, DEFAULT_DISTRICT_TZ } from './extension-cap';

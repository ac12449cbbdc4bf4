export { evolveView, applyLocally } from './whistle-view';
export { type WhistleStatus, type WhistleView, type ViewEvent } from './whistle-view-model';
export { whistleState, decide, DomainError, NO_WHISTLE, FEEDBACK_TTL_MS, type WhistleCommand } from './whistle.decider';
export { normaliseAddress } from './address';
export { anonymiseWhistle, type PublicWhistle } from './public-whistle';
export { decideOpen311Key, open311KeyStatus, type Open311KeyIssuedData } from './open311-key';
export { nextDeadline, nextDeadlineKind } from './deadlines';

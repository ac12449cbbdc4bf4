import { whistleEnvelope } from '@chuishao/testing';

export type Json = Record<string, unknown>;

/** An envelope exactly as the other services put them on chuishao.whistle.events (its data carries the whistle id). */
export function envelope(type: string, whistleId: string, occurredAt: string, data: Json, source = 'dispatch') {
  return whistleEnvelope(type, whistleId, { whistleId, ...data }, { occurredAt, source });
}

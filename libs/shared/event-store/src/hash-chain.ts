import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The prevHash of the first event of any chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface Actor {
  role: string;
  org?: string | null;
  sub: string;
}

/** The part of an event that the hash covers: exactly the fields the contract's events endpoint shows. */
export interface ChainedEventBody {
  eventId: string;
  type: string;
  position: number;
  occurredAt: string;
  actor: Actor;
  data: unknown;
}

/** hash = SHA-256 hex over prevHash followed by the canonical JSON of the event (contract §2). */
export function chainHash(prevHash: string, event: ChainedEventBody): string {
  const body = {
    eventId: event.eventId,
    type: event.type,
    position: event.position,
    occurredAt: event.occurredAt,
    actor: { role: event.actor.role, org: event.actor.org ?? null, sub: event.actor.sub },
    data: event.data,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}

export interface ChainVerdict {
  valid: boolean;
  length: number;
  /** The first position whose stored hash, prevHash or position does not follow from what precedes it. */
  firstBadPosition?: number;
  reason?: string;
}

/**
 * Recomputes a chain from its first event. An edited event changes its own hash; a deleted event
 * breaks the next event's prevHash or the positions' continuity; a re-hashed edit breaks the link
 * to its successor. Positions start at 1.
 */
export function verifyChain(events: ReadonlyArray<ChainedEventBody & { hash: string; prevHash: string }>): ChainVerdict {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const expectedPosition = i + 1;
    if (e.position !== expectedPosition) {
      return { valid: false, length: events.length, firstBadPosition: expectedPosition, reason: 'position gap (an event is missing)' };
    }
    if (e.prevHash !== prev) {
      return { valid: false, length: events.length, firstBadPosition: e.position, reason: 'prevHash does not match the previous event' };
    }
    const recomputed = chainHash(prev, e);
    if (recomputed !== e.hash) {
      return { valid: false, length: events.length, firstBadPosition: e.position, reason: 'hash does not match the event content' };
    }
    prev = e.hash;
  }
  return { valid: true, length: events.length };
}

import { createHash } from 'node:crypto';
import type { Actor } from '@chuishao/contracts';
import { canonicalJson } from './canonical-json';

/** The prevHash of the first event of any chain. */
export const GENESIS_HASH = '0'.repeat(64);


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
    actor: actorOf(event.actor),
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
 * What is recorded about a chain apart from its events: how many it holds and, for a service's own
 * stream, the hash of its last one (the `streams` row, written in the same transaction as the events).
 */
export interface ChainHead {
  length: number;
  /** Given: the chain must end exactly here. Not given: it must hold at least `length` events. */
  lastHash?: string;
}

/**
 * Recomputes a chain from its first event. An edited event changes its own hash; a deleted event
 * breaks the next event's prevHash or the positions' continuity; a re-hashed edit breaks the link
 * to its successor; with a `head`, deleting the last events (or adding unrecorded ones) is seen too.
 * Positions start at 1.
 */
export function verifyChain(events: ReadonlyArray<ChainedEventBody & { hash: string; prevHash: string }>, head?: ChainHead): ChainVerdict {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const expectedPosition = i + 1;
    if (e.position !== expectedPosition) {
      return { valid: false, length: events.length, firstBadPosition: expectedPosition, reason: '位置不连续，缺少事件 / position gap (an event is missing)' };
    }
    if (e.prevHash !== prev) {
      return { valid: false, length: events.length, firstBadPosition: e.position, reason: 'prevHash 与上一事件不符 / prevHash does not match the previous event' };
    }
    const recomputed = chainHash(prev, e);
    if (recomputed !== e.hash) {
      return { valid: false, length: events.length, firstBadPosition: e.position, reason: 'hash 与事件内容不符 / hash does not match the event content' };
    }
    prev = e.hash;
  }
  if (head && events.length < head.length) {
    return { valid: false, length: events.length, firstBadPosition: events.length + 1, reason: `末尾缺少事件（记录为 ${head.length} 个）/ events missing at the end (${head.length} recorded)` };
  }
  if (head?.lastHash !== undefined && events.length > head.length) {
    return { valid: false, length: events.length, firstBadPosition: head.length + 1, reason: `多出未记录的事件（记录为 ${head.length} 个）/ events beyond the ${head.length} recorded` };
  }
  if (head?.lastHash !== undefined && prev !== head.lastHash) {
    return { valid: false, length: events.length, firstBadPosition: Math.max(events.length, 1), reason: '最后的 hash 与记录不符 / the last hash is not the one recorded' };
  }
  return { valid: true, length: events.length };
}

/** An event of a merged stream (a whistle's ledger): chained in that stream, copied from a service's own. */
export type MergedEvent = ChainedEventBody & { hash: string; prevHash: string; source: string };

/** One service's own stream, as stored, that a merged stream holds copies of. */
export interface OriginalStream {
  source: string;
  /** The source's stored events: one whole stream of it when `head` is given, else those found by id. */
  events: ReadonlyArray<ChainedEventBody & { hash: string; prevHash: string }>;
  /** Given for a whole stream, which is then verified as a chain too (a subset found by id is not one). */
  head?: ChainHead;
}

/**
 * Verifies a merged stream (contract §2: a whistle's events from every service) as stored, against
 * its recorded head and against the originals at hand: the merged chain must hold; an original whole
 * stream must verify on its own; every original event the merged stream holds must be there
 * unchanged; and every event attributed to a source whose originals are at hand must still be among
 * them. The first bad position is a position of the merged stream (an original event not merged
 * yet is reported just past its end).
 */
export function verifyMerged(events: readonly MergedEvent[], head: ChainHead, originals: readonly OriginalStream[] = []): ChainVerdict {
  const verdicts: ChainVerdict[] = [verifyChain(events, head)];
  const positionOf = new Map(events.map((e) => [e.eventId, e.position]));
  const past = events.length + 1;
  for (const original of originals) {
    const own: ChainVerdict = original.head ? verifyChain(original.events, original.head) : { valid: true, length: original.events.length };
    if (!own.valid) {
      const bad = original.events[(own.firstBadPosition ?? 1) - 1];
      // a deleted tail has no event here: its copies are reported below, at their own positions
      const at = (bad && positionOf.get(bad.eventId)) ?? past;
      const [zh, en = zh] = (own.reason ?? '').split(' / ');
      verdicts.push({ valid: false, length: events.length, firstBadPosition: at, reason: `${original.source} 自身存储的事件流第 ${own.firstBadPosition} 个事件：${zh} / ${original.source}'s own stored stream, its event ${own.firstBadPosition}: ${en}` });
    }
    const byId = new Map(original.events.map((e) => [e.eventId, e]));
    for (const e of events) {
      if (e.source !== original.source) continue;
      const o = byId.get(e.eventId);
      if (!o) {
        verdicts.push({ valid: false, length: events.length, firstBadPosition: e.position, reason: `该事件已不在 ${original.source} 自身的存储中 / the event is no longer in ${original.source}'s own store` });
      } else if (bodyOf(o) !== bodyOf(e)) {
        verdicts.push({ valid: false, length: events.length, firstBadPosition: e.position, reason: `该事件与 ${original.source} 自身存储的原件不符 / the event differs from ${original.source}'s own stored original` });
      }
    }
  }
  const bad = verdicts.filter((v) => !v.valid).sort((a, b) => (a.firstBadPosition ?? 0) - (b.firstBadPosition ?? 0));
  return bad[0] ?? { valid: true, length: events.length };
}

/** The part of an event that a copy must keep (its position differs from stream to stream), as canonical JSON. */
export function bodyOf(e: Omit<ChainedEventBody, 'position'>): string {
  return canonicalJson({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, actor: actorOf(e.actor), data: e.data });
}

/** An actor as the hash covers it: `org` null when it has none. */
function actorOf(a: Actor): Actor {
  return { role: a.role, org: a.org ?? null, sub: a.sub };
}

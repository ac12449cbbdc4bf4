/**
 * kafkajs 2.2.4 busy-loops on every open connection: `RequestQueue.scheduleCheckPendingRequests`
 * re-arms a timer even when nothing is pending, and with `throttledUntil = -1` the delay is
 * negative, so Node fires it every millisecond forever (tulios/kafkajs#1556, #1704; the fix of
 * #1667 was never released): a thousand event-loop wake-ups a second per connection, under load
 * as well as idle (ADR 0009 has the measurements).
 *
 * The patch keeps kafkajs' own behaviour whenever a request is waiting, and arms no timer when none
 * is: a request that cannot be sent at once is queued by `push`, which schedules the check itself,
 * and every response or timeout re-checks the queue (`fulfillRequest`, the request's `timeout`).
 * Applied once, on the first import of the messaging library, only to the version it was written for.
 */
import { tuned } from '@chuishao/platform';
interface RequestQueuePrototype {
  pending: unknown[];
  scheduleCheckPendingRequests(this: RequestQueuePrototype): void;
  __chuishaoIdleLoopFix?: true;
}

const PATCHED_VERSION = '2.2.4';

export function patchKafkajsIdleLoop(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_VERSION) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueuePrototype };
  const proto = RequestQueue.prototype;
  if (proto.__chuishaoIdleLoopFix) return true;
  const original = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueuePrototype) {
    if (this.pending.length === 0) return;
    original.call(this);
  };
  proto.__chuishaoIdleLoopFix = true;
  return true;
}

if (tuned('kafkajs-idle-patch')) patchKafkajsIdleLoop();

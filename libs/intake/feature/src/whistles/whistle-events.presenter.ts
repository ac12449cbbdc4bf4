import type { Principal } from '@chuishao/auth';

/** What stands in for a hidden value: the event's `hash` still covers the original. */
export const REDACTED = '[已隐去 / redacted]';

/** An event of a whistle's audit stream as `GET /api/v1/whistles/{id}/events` shows it (contract §2). */
export interface LedgerEventView {
  eventId: string;
  type: string;
  position: number;
  occurredAt: string;
  actor: { role: string; org: string | null; sub: string };
  data: unknown;
  source: string;
  hash: string;
  prevHash: string;
  /** The fields replaced by {@link REDACTED} for this reader (`data.comment`, `actor.sub`, …); absent when none. */
  redacted?: string[];
}

/** Readers who see the stream as stored: the district's offices audit everything. */
const SEES_ALL: ReadonlySet<string> = new Set(['command-center', 'assessment-office', 'admin']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The event as `reader` may see it: for a street or a department, what their whistle view hides is
 * hidden here too — the resident's feedback comment, the feedback link's token hash, and the people
 * of other departments (the `by.name` of another department's replies, the `sub` of another
 * department's actor). A hidden value becomes {@link REDACTED} and is named in `redacted`; `hash`
 * and `prevHash` stay those of the stored event, so the chain's links can be followed and every
 * event not redacted recomputed (docs/security.md, "Verifying a redacted stream"). Pure.
 */
export function presentLedgerEvent(event: LedgerEventView, reader: Principal): LedgerEventView {
  if (SEES_ALL.has(reader.role)) return event;
  const ownDepartment = reader.role === 'department' ? reader.org : undefined;
  const hidden: string[] = [];
  let data = event.data;
  let actor = event.actor;
  const hide = (field: string): void => {
    if (!isObject(data)) return;
    const value = data[field];
    if (value === undefined || value === null) return;
    data = { ...data, [field]: REDACTED };
    hidden.push(`data.${field}`);
  };

  if (event.type === 'FeedbackGiven') hide('comment');
  if (event.type === 'FeedbackRequested') hide('tokenHash');
  if (isObject(data) && isObject(data['by']) && typeof data['by']['name'] === 'string' && data['departmentId'] !== ownDepartment) {
    data = { ...data, by: { ...data['by'], name: REDACTED } };
    hidden.push('data.by.name');
  }
  if (actor.role === 'department' && (ownDepartment === undefined || actor.org !== ownDepartment)) {
    actor = { ...actor, sub: REDACTED };
    hidden.push('actor.sub');
  }
  return hidden.length === 0 ? event : { ...event, actor, data, redacted: hidden };
}

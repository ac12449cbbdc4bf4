import { EXTENSION_KINDS, REPLY_TYPES, type ExtensionKind, type ReplyMessage } from '@chuishao/dispatch-contracts';
import { MAX_JSON_DEPTH, normaliseText, normaliseTextTree } from '@chuishao/platform';

/**
 * The reply contract (ReplyMessage of the dispatch contracts, `Reply` in the bus document), checked by hand so the reason can name the field:
 * `{"replyId","assignmentId","type","at","by":{"name"},"note","result"}`, and for type EXTENSION
 * (延期申请, contract §11) `"kind":"ARRIVE"|"COMPLETE","until","reason"` (the reason's blankness is
 * the decider's refusal, REASON_REQUIRED, like a DISPUTE's note). Unknown fields are ignored (a
 * department may add its own); the department is never read from the body.
 *
 * The text rules of every boundary come first (contract §10, the platform's `normaliseTextTree`,
 * as over HTTP): a string holding U+0000 or an unpaired surrogate, in ANY field, known or not, is
 * refused with the field's path; a message nested deeper than 64 levels is refused; every string
 * is NFC-normalised and trimmed before the length and required rules, so a DISPUTE whose note is
 * five spaces has no note (the decider refuses it: NOTE_REQUIRED).
 */
const REPLY_LIMITS = { replyId: 128, name: 100, note: 4000, result: 4000, reason: 2000 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const REPLY_ID = /^[\x21-\x7e]+$/; // printable ASCII, no spaces

const optionalText = (v: unknown, field: string, max: number): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return `${field} must be a string or null`;
  if (v.length > max) return `${field} must be at most ${max} characters`;
  return undefined;
};

/**
 * The reply with the text rules applied and the schema checked: `{ reply }` (normalised, absent
 * fields null, see {@link normaliseReply}) or `{ problem }`, the reason for the rejected topic.
 */
export function parseReply(value: unknown): { reply: ReturnType<typeof normaliseReply>; problem?: undefined } | { problem: string; reply?: undefined } {
  const text = normaliseTextTree(value, { rootName: 'message' });
  if (text.tooDeep) return { problem: `message is nested deeper than ${MAX_JSON_DEPTH} levels` };
  const bad = [...text.problems, ...text.forbiddenKeys];
  if (bad.length > 0) return { problem: bad.map((p) => `${p.field}: ${p.message}`).join('; ') };
  const problem = shapeProblem(text.value);
  return problem ? { problem } : { reply: normaliseReply(text.value as ReplyMessage) };
}

/** The first way `value` breaks the reply schema (text rules included), or undefined when it is a valid reply. */
export function replyProblem(value: unknown): string | undefined {
  return parseReply(value).problem;
}

function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'message is not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.replyId !== 'string' || r.replyId.length === 0) return 'replyId is required (a string)';
  if (r.replyId.length > REPLY_LIMITS.replyId || !REPLY_ID.test(r.replyId)) return `replyId must be 1-${REPLY_LIMITS.replyId} printable ASCII characters without spaces`;
  if (typeof r.assignmentId !== 'string') return 'assignmentId is required (a UUID)';
  if (!UUID.test(r.assignmentId)) return 'assignmentId must be a UUID';
  if (typeof r.type !== 'string') return `type is required (one of ${REPLY_TYPES.join(', ')})`;
  if (!(REPLY_TYPES as readonly string[]).includes(r.type)) return `type must be one of ${REPLY_TYPES.join(', ')}`;
  if (r.at !== undefined && r.at !== null) {
    if (typeof r.at !== 'string' || !ISO_DATE_TIME.test(r.at) || Number.isNaN(Date.parse(r.at))) return 'at must be an ISO 8601 date-time with offset, or null';
  }
  if (r.by !== undefined && r.by !== null) {
    if (typeof r.by !== 'object' || Array.isArray(r.by)) return 'by must be an object {"name"} or null';
    const p = optionalText((r.by as Record<string, unknown>).name, 'by.name', REPLY_LIMITS.name);
    if (p) return p;
  }
  const text = optionalText(r.note, 'note', REPLY_LIMITS.note) ?? optionalText(r.result, 'result', REPLY_LIMITS.result);
  if (text || r.type !== 'EXTENSION') return text;
  if (typeof r.kind !== 'string' || !(EXTENSION_KINDS as readonly string[]).includes(r.kind)) return `kind is required for EXTENSION (one of ${EXTENSION_KINDS.join(', ')})`;
  if (typeof r.until !== 'string' || !ISO_DATE_TIME.test(r.until) || Number.isNaN(Date.parse(r.until))) return 'until is required for EXTENSION (an ISO 8601 date-time with offset)';
  return optionalText(r.reason, 'reason', REPLY_LIMITS.reason);
}

/**
 * The reply as the decider sees it: absent fields become null, the texts (note, result, by.name)
 * NFC-normalised and trimmed, an empty one null, `by` without a name null.
 */
export function normaliseReply(r: ReplyMessage): Pick<ReplyMessage, 'replyId' | 'assignmentId' | 'type'> & {
  at: string | null;
  by: { name: string } | null;
  note: string | null;
  result: string | null;
  extension: { kind: ExtensionKind; until: string; reason: string | null } | null;
} {
  const text = (v: string | null | undefined): string | null => (typeof v === 'string' && normaliseText(v) ? normaliseText(v) : null);
  const name = r.by ? text(r.by.name) : null;
  return {
    replyId: r.replyId,
    assignmentId: r.assignmentId.toLowerCase(),
    type: r.type,
    at: r.at ?? null,
    by: name ? { name } : null,
    note: text(r.note),
    result: text(r.result),
    extension: r.type === 'EXTENSION' && r.kind && r.until ? { kind: r.kind, until: r.until, reason: text(r.reason) } : null,
  };
}

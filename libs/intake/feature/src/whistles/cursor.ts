/**
 * Opaque keyset cursor over (created_at DESC, id DESC): base64url of `{"at","id"}`, where `at` is
 * the row's created_at with microseconds (PostgreSQL's precision, so no row is skipped or repeated).
 * Clients must treat it as opaque.
 */
export interface CursorPosition {
  at: string;
  id: string;
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify({ at: p.at, id: p.id }), 'utf8').toString('base64url');
}

/** The position of a cursor, or undefined when it is not one we issued. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { at, id } = value as Record<string, unknown>;
  if (typeof at !== 'string' || typeof id !== 'string' || !AT.test(at) || !UUID.test(id) || Number.isNaN(Date.parse(at))) return undefined;
  return { at, id };
}

import type { ScorecardResult } from './scorecard.reader';

/** Explanations serialised per slice of this many items. */
const SLICE = 64;

/**
 * `Buffer.from(JSON.stringify(card), 'utf8')`, byte for byte, built from small pieces: the
 * explanations are stringified and UTF-8-encoded a few dozen at a time and the pieces
 * concatenated once. A year's scorecard is ~70 MB of JSON with Chinese text; encoding one such
 * string (two bytes per character in V8) costs more than stringifying it, and many small strings
 * stay in the young generation. Everything but `rows` and their `explanations` goes through
 * JSON.stringify as is (key order, skipped undefined values: the same rules).
 */
export function scorecardJson(card: ScorecardResult): Buffer {
  const pieces: Buffer[] = [];
  const push = (s: string) => pieces.push(Buffer.from(s, 'utf8'));
  const object = (o: object, nested: Record<string, (v: never) => void>) => {
    push('{');
    let first = true;
    for (const [k, v] of Object.entries(o)) {
      const special = Array.isArray(v) ? nested[k] : undefined;
      const text = special ? undefined : (JSON.stringify(v) as string | undefined);
      if (!special && text === undefined) continue; // undefined, functions, symbols: skipped like JSON.stringify
      push(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      if (special) special(v as never);
      else push(text as string);
    }
    push('}');
  };
  const explanations = (items: ScorecardResult['rows'][number]['explanations']) => {
    push('[');
    for (let i = 0; i < items.length; i += SLICE) push(`${i ? ',' : ''}${JSON.stringify(items.slice(i, i + SLICE)).slice(1, -1)}`);
    push(']');
  };
  const rows = (list: ScorecardResult['rows']) => {
    push('[');
    list.forEach((row, i) => {
      if (i) push(',');
      object(row, { explanations });
    });
    push(']');
  };
  object(card, { rows });
  return Buffer.concat(pieces);
}

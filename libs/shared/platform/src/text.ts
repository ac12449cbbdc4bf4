/**
 * The text rules of every boundary (contract §10), as pure functions shared by HTTP (the body and
 * query hook of {@link configureApp}) and Kafka consumers (dispatch's reply schema):
 *
 * - every string value and object key is NFC-normalised and trimmed before any rule applies
 *   (a reason of five spaces is empty);
 * - a string holding U+0000 or an unpaired surrogate (a lone `\uD800`-`\uDFFF`) is refused, with
 *   the path of the field that holds it (`location.address`, `attachments[0].url`);
 * - a JSON value nested deeper than {@link MAX_JSON_DEPTH} levels is refused.
 *
 * The walk is iterative (an explicit stack), so a body nested 100,000 levels deep costs one pass
 * and never the call stack.
 */
import { cleanText } from '@chuishao/contracts';

/** Objects and arrays may be nested this deep; one level more is refused (contract §10). */
export const MAX_JSON_DEPTH = 64;

/** At most this many text problems are listed (the rest are the same kind of fault). */
const MAX_TEXT_PROBLEMS = 20;

export const TEXT_MESSAGES = {
  nul: '含有空字符 U+0000 / contains U+0000 (NUL)',
  surrogate: '含有不成对的代理项（非法 Unicode） / contains an unpaired surrogate (invalid Unicode)',
  keyNul: '字段名含有空字符 U+0000 / the field name contains U+0000 (NUL)',
  keySurrogate: '字段名含有不成对的代理项 / the field name contains an unpaired surrogate',
  forbiddenKey: '不接受的字段名 / field name not accepted',
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Keys that would reach an object's prototype if assigned; refused wherever they appear. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__']);

/** Trims and NFC-normalises a text (a string of spaces becomes empty): the contracts' cleanText, the one definition. */
export function normaliseText(text: string): string {
  return cleanText(text);
}

/** Why a string cannot be stored (U+0000, an unpaired surrogate), or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return TEXT_MESSAGES.nul;
  if (LONE_SURROGATE.test(text)) return TEXT_MESSAGES.surrogate;
  return undefined;
}

/** A field that broke a text rule: its path in the contract's format and why. */
export interface TextFieldProblem {
  field: string;
  message: string;
}

export interface NormalisedTree {
  /** A copy of the input with every string and key normalised (the input is never changed). */
  value: unknown;
  /** Strings or keys holding U+0000 or an unpaired surrogate (at most {@link MAX_TEXT_PROBLEMS}). */
  problems: TextFieldProblem[];
  /** Keys refused whatever their value (`__proto__`). */
  forbiddenKeys: TextFieldProblem[];
  /** True when objects/arrays are nested deeper than the limit; `value` is then undefined. */
  tooDeep: boolean;
}

export interface NormaliseTreeOptions {
  /** Default {@link MAX_JSON_DEPTH}. */
  maxDepth?: number;
  /** The field name of the root itself when it is a string (default `body`). */
  rootName?: string;
}

type Container = Record<string, unknown> | unknown[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: object | null = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return true;
  // a query or form parsed by fast-querystring: its prototype is an empty object without one
  return Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0;
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isPlainObject(value);
}

/** `location` + `address` → `location.address`; `attachments` + 0 → `attachments[0]`. */
function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** A key as it may be shown in a field path (the characters that broke the rules replaced). */
function shownKey(key: string): string {
  return key.replace(/\u0000/g, '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

function define(target: Container, key: string | number, value: unknown): void {
  if (Array.isArray(target)) target.push(value);
  // defineProperty: a key `__proto__` stays a plain own property, never the prototype
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Applies the text rules to a parsed JSON value (or a form/query object): returns a normalised
 * copy, the fields that hold text the store cannot hold, the forbidden keys, and whether it is
 * nested too deep. Only arrays and plain objects are walked; other objects (a Buffer) are kept
 * as they are. Keys that become equal once normalised: the last one wins, as in JSON.parse.
 */
export function normaliseTextTree(input: unknown, options: NormaliseTreeOptions = {}): NormalisedTree {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const problems: TextFieldProblem[] = [];
  const forbiddenKeys: TextFieldProblem[] = [];
  const note = (list: TextFieldProblem[], field: string, message: string): void => {
    if (list.length < MAX_TEXT_PROBLEMS) list.push({ field, message });
  };
  const scalar = (value: unknown, field: string): unknown => {
    if (typeof value !== 'string') return value;
    const problem = textProblem(value);
    if (problem) {
      note(problems, field, problem);
      return value;
    }
    return normaliseText(value);
  };

  if (!isContainer(input)) return { value: scalar(input, options.rootName ?? 'body'), problems, forbiddenKeys, tooDeep: false };
  if (maxDepth < 1) return { value: undefined, problems, forbiddenKeys, tooDeep: true };

  const rootCopy: Container = Array.isArray(input) ? [] : {};
  const stack: Array<{ source: Container; target: Container; path: string; depth: number }> = [
    { source: input, target: rootCopy, path: '', depth: 1 },
  ];
  while (stack.length > 0) {
    const { source, target, path, depth } = stack.pop()!;
    const entries: Array<[string | number, unknown, string]> = Array.isArray(source)
      ? source.map((v, i) => [i, v, fieldPath(path || (options.rootName ?? 'body'), i)] as [number, unknown, string])
      : Object.keys(source).map((k) => [k, source[k], ''] as [string, unknown, string]);
    const children: typeof stack = [];
    for (const entry of entries) {
      let [key] = entry;
      const value = entry[1];
      let field = entry[2];
      if (typeof key === 'string') {
        const keyProblem = textProblem(key);
        field = fieldPath(path, keyProblem ? shownKey(key) : normaliseText(key));
        if (keyProblem) note(problems, field, keyProblem === TEXT_MESSAGES.nul ? TEXT_MESSAGES.keyNul : TEXT_MESSAGES.keySurrogate);
        else key = normaliseText(key);
        if (FORBIDDEN_KEYS.has(key)) note(forbiddenKeys, field, TEXT_MESSAGES.forbiddenKey);
      }
      if (isContainer(value)) {
        if (depth + 1 > maxDepth) return { value: undefined, problems, forbiddenKeys, tooDeep: true };
        const child: Container = Array.isArray(value) ? [] : {};
        define(target, key, child);
        children.push({ source: value, target: child, path: field, depth: depth + 1 });
      } else {
        define(target, key, scalar(value, field));
      }
    }
    // the first child on top: problems are listed in the order of the document
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { value: rootCopy, problems, forbiddenKeys, tooDeep: false };
}

/** The text problems of a value (U+0000, unpaired surrogates) with their field paths; [] when none. */
export function textProblems(input: unknown, options: NormaliseTreeOptions = {}): TextFieldProblem[] {
  return normaliseTextTree(input, { maxDepth: Number.POSITIVE_INFINITY, ...options }).problems;
}

import { cleanText } from '@chuishao/contracts';

/** Why a command was refused: `kind` maps to HTTP 404 / 403 / 409 / 422; `reason` goes to the rejected topic. */
export class DispatchRefusal extends Error {
  override readonly name = 'DispatchRefusal';
  constructor(
    readonly kind: 'not-found' | 'forbidden' | 'conflict' | 'invalid',
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export const refuse = (kind: DispatchRefusal['kind'], code: string, reason: string): never => {
  throw new DispatchRefusal(kind, code, reason);
};

/** Contract §10: text is trimmed and NFC-normalised before its rules apply (five spaces are blank). */
export const clean = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : cleanText(s) || null);
export const blank = (s: string | null | undefined): boolean => clean(s) === null;
export const ms = (iso: string): number => new Date(iso).getTime();

import { DomainError } from './whistle.decider';

/**
 * A street's Open311 API key as data (contract §14): issued and revoked by `admin`, recorded as
 * events on intake's stream `open311key-<id>` (the audit trail), projected into `open311_keys`.
 * Only the key's SHA-256 (`keyHash`) and a short `prefix` for recognition are ever recorded; the key
 * itself is shown once, to the admin who issued it.
 */
export interface Open311KeyIssuedData {
  keyId: string;
  streetId: string;
  label: string | null;
  /** The first characters of the key (`o311_` and 8 more), for people to recognise it in lists. */
  prefix: string;
  /** SHA-256 hex of the whole key. */
  keyHash: string;
  expiresAt: string | null;
}

export interface Open311KeyRevokedData {
  keyId: string;
}

export type Open311KeyEvent = { type: 'Open311KeyIssued'; data: Open311KeyIssuedData } | { type: 'Open311KeyRevoked'; data: Open311KeyRevokedData };

export type Open311KeyCommand =
  | ({ type: 'IssueOpen311Key'; now: string } & Open311KeyIssuedData)
  | { type: 'RevokeOpen311Key'; keyId: string };

export interface Open311KeyState {
  keyId: string;
  streetId: string;
  expiresAt: string | null;
  revoked: boolean;
}

export type Open311KeyStatus = 'active' | 'revoked' | 'expired';

/** Issue: a new stream, an expiry in the future. Revoke: idempotent (a revoked key stays revoked, nothing new). */
export function decideOpen311Key(command: Open311KeyCommand, state: Open311KeyState | null): Open311KeyEvent[] {
  switch (command.type) {
    case 'IssueOpen311Key': {
      if (state) throw new DomainError('conflict', 'KEY_EXISTS', `密钥已存在 / Key ${command.keyId} exists already`);
      if (command.expiresAt !== null && !(Date.parse(command.expiresAt) > Date.parse(command.now))) {
        throw new DomainError('invalid', 'EXPIRY_IN_PAST', 'expiresAt 必须晚于当前时间 / expiresAt must be in the future');
      }
      const { type: _type, now: _now, ...data } = command;
      return [{ type: 'Open311KeyIssued', data }];
    }
    case 'RevokeOpen311Key':
      if (!state) throw new DomainError('invalid', 'NO_KEY', `密钥不存在 / No key ${command.keyId}`);
      return state.revoked ? [] : [{ type: 'Open311KeyRevoked', data: { keyId: command.keyId } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export function evolveOpen311Key(state: Open311KeyState | null, event: Open311KeyEvent): Open311KeyState | null {
  switch (event.type) {
    case 'Open311KeyIssued':
      return { keyId: event.data.keyId, streetId: event.data.streetId, expiresAt: event.data.expiresAt, revoked: false };
    case 'Open311KeyRevoked':
      return state ? { ...state, revoked: true } : state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** A key works while it is neither revoked nor past its expiry. */
export function open311KeyStatus(key: { revoked: boolean; expiresAt: string | null }, now: Date): Open311KeyStatus {
  if (key.revoked) return 'revoked';
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

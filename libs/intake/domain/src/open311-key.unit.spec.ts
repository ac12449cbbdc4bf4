import { decideOpen311Key, evolveOpen311Key, open311KeyStatus, type Open311KeyEvent, type Open311KeyState } from './open311-key';
import { DomainError } from './whistle.decider';

const KEY = '4b0b8f3e-4a55-4c9e-9d0e-5d1f8a6b2c11';
const STREET = '6f1c3f7e-9d2a-4d8e-9b1a-2c3d4e5f6a7b';
const NOW = '2026-12-01T00:00:00.000Z';
const issue = (expiresAt: string | null = null) =>
  ({ type: 'IssueOpen311Key', now: NOW, keyId: KEY, streetId: STREET, label: 'GIS 平台', prefix: 'o311_AbCdEfGh', keyHash: 'a'.repeat(64), expiresAt }) as const;
const given = (...events: Open311KeyEvent[]): Open311KeyState | null => events.reduce<Open311KeyState | null>(evolveOpen311Key, null);

describe('Open311 key decider', () => {
  it('issues a key with its hash and prefix, never the key', () => {
    const [event] = decideOpen311Key(issue('2027-01-01T00:00:00.000Z'), null);
    expect(event).toEqual({
      type: 'Open311KeyIssued',
      data: { keyId: KEY, streetId: STREET, label: 'GIS 平台', prefix: 'o311_AbCdEfGh', keyHash: 'a'.repeat(64), expiresAt: '2027-01-01T00:00:00.000Z' },
    });
  });

  it('refuses an expiry that is not in the future (422) and a second issue of the same id (409)', () => {
    expect(() => decideOpen311Key(issue(NOW), null)).toThrow(expect.objectContaining({ kind: 'invalid', code: 'EXPIRY_IN_PAST' }) as DomainError);
    const issued = decideOpen311Key(issue(), null);
    expect(() => decideOpen311Key(issue(), given(...issued))).toThrow(expect.objectContaining({ kind: 'conflict' }) as DomainError);
  });

  it('revokes once; revoking again records nothing (idempotent)', () => {
    const issued = decideOpen311Key(issue(), null);
    const revoked = decideOpen311Key({ type: 'RevokeOpen311Key', keyId: KEY }, given(...issued));
    expect(revoked).toEqual([{ type: 'Open311KeyRevoked', data: { keyId: KEY } }]);
    expect(decideOpen311Key({ type: 'RevokeOpen311Key', keyId: KEY }, given(...issued, ...revoked))).toEqual([]);
  });

  it('a key is active until revoked or expired', () => {
    const now = new Date(NOW);
    expect(open311KeyStatus({ revoked: false, expiresAt: null }, now)).toBe('active');
    expect(open311KeyStatus({ revoked: false, expiresAt: '2026-12-01T00:00:01.000Z' }, now)).toBe('active');
    expect(open311KeyStatus({ revoked: false, expiresAt: NOW }, now)).toBe('expired');
    expect(open311KeyStatus({ revoked: true, expiresAt: null }, now)).toBe('revoked');
  });
});

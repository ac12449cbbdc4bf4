import { issueOpen311Key, verifyOpen311Key } from './open311';

const SECRET = 'open311-secret-0123456789abcdefghijkl';
const STREET = '6f1c3f7e-9d2a-4d8e-9b1a-2c3d4e5f6a7b';

describe('Open311 keys', () => {
  it('round-trips', () => {
    const key = issueOpen311Key(STREET, SECRET);
    expect(key).toMatch(/^o311\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.split('.')[1], 'base64url').toString()).toBe(STREET);
    expect(verifyOpen311Key(key, SECRET)).toBe(STREET);
  });

  it('rejects tampering, another secret and junk', () => {
    const key = issueOpen311Key(STREET, SECRET);
    const [p, s, m] = key.split('.');
    const otherStreet = Buffer.from('other-street').toString('base64url');
    const flip = (str: string, i: number) => str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);
    expect(verifyOpen311Key(`${p}.${otherStreet}.${m}`, SECRET)).toBeUndefined();
    expect(verifyOpen311Key(`${p}.${s}.${flip(m, 0)}`, SECRET)).toBeUndefined();
    expect(verifyOpen311Key(`${p}.${s}.${flip(m, m.length - 1)}`, SECRET)).toBeUndefined();
    expect(verifyOpen311Key(`${p}.${flip(s, 3)}.${m}`, SECRET)).toBeUndefined();
    expect(verifyOpen311Key(`x311.${s}.${m}`, SECRET)).toBeUndefined();
    expect(verifyOpen311Key(key, 'another-secret-0123456789abcdefghij')).toBeUndefined();
    expect(verifyOpen311Key(`${key}.extra`, SECRET)).toBeUndefined();
    expect(verifyOpen311Key('', SECRET)).toBeUndefined();
    expect(verifyOpen311Key(undefined, SECRET)).toBeUndefined();
  });
});

import { decodeCursor, encodeCursor } from './cursor';

describe('list cursor', () => {
  const p = { at: '2026-11-25T08:30:00.123456Z', id: '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01' };

  it('round-trips and is opaque URL-safe text', () => {
    const c = encodeCursor(p);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual(p);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON but not an object', Buffer.from('42').toString('base64url')],
    ['bad id', Buffer.from(JSON.stringify({ at: p.at, id: 'x' })).toString('base64url')],
    ['bad time', Buffer.from(JSON.stringify({ at: 'yesterday', id: p.id })).toString('base64url')],
    ['impossible time', Buffer.from(JSON.stringify({ at: '2026-13-45T99:00:00Z', id: p.id })).toString('base64url')],
    ['SQL in it', Buffer.from(JSON.stringify({ at: "2026-11-25T08:30:00Z'; DROP TABLE x;--", id: p.id })).toString('base64url')],
    ['too long', 'a'.repeat(500)],
  ])('refuses a cursor that is %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});

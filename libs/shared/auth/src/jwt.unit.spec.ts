import { SignJWT } from 'jose';
import { InvalidTokenError, JwtVerifier, signDevToken } from './jwt';

const SECRET = 'dev-secret-0123456789-abcdefghijklmnop';
const key = new TextEncoder().encode(SECRET);

async function raw(claims: Record<string, unknown>, opts: { exp?: number; secret?: Uint8Array; sub?: string } = {}): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (opts.sub !== undefined) jwt = jwt.setSubject(opts.sub);
  if (opts.exp !== undefined) jwt = jwt.setExpirationTime(opts.exp);
  return jwt.sign(opts.secret ?? key);
}

async function rejection(token: string, verifier = new JwtVerifier({ secret: SECRET })): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (err: unknown) {
    if (err instanceof InvalidTokenError) return err.message;
    throw err;
  }
  throw new Error('expected the token to be rejected');
}

describe('JwtVerifier (HS256) and signDevToken', () => {
  const verifier = new JwtVerifier({ secret: SECRET });

  it('round-trips a dev token', async () => {
    const token = await signDevToken({ sub: 'li.wei', role: 'street', org: 'street-1' }, SECRET);
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'li.wei', role: 'street', org: 'street-1' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number; iat: number };
    expect(payload.exp - payload.iat).toBe(12 * 3600);
  });

  it('accepts roles without org', async () => {
    const token = await signDevToken({ sub: 'cc', role: 'command-center' }, SECRET, 60);
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'cc', role: 'command-center' });
  });

  it('accepts a token without exp (exp is checked only when present)', async () => {
    await expect(verifier.verify(await raw({ role: 'admin' }, { sub: 'root' }))).resolves.toEqual({ sub: 'root', role: 'admin' });
  });

  it.each([
    ['expired', () => raw({ role: 'admin' }, { sub: 'a', exp: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ['signed with another secret', () => raw({ role: 'admin' }, { sub: 'a', secret: new TextEncoder().encode('x'.repeat(40)) }), /signature/],
    ['street without org', () => raw({ role: 'street' }, { sub: 'a' }), /org/],
    ['department without org', () => raw({ role: 'department' }, { sub: 'a' }), /org/],
    ['unknown role', () => raw({ role: 'mayor' }, { sub: 'a' }), /role/],
    ['no role', () => raw({}, { sub: 'a' }), /role/],
    ['no sub', () => raw({ role: 'admin' }), /sub/],
    ['garbage', async () => 'not.a.jwt', /malformed|cannot/],
    ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"a","role":"admin"}').toString('base64url')}.`, /./],
  ])('rejects a token that is %s', async (_name, make, reason) => {
    expect(await rejection(await make())).toMatch(reason);
  });

  it('refuses to sign invalid claims or with a short secret', async () => {
    await expect(signDevToken({ sub: 's', role: 'street' }, SECRET)).rejects.toThrow(/org/);
    await expect(signDevToken({ sub: 's', role: 'mayor' as never }, SECRET)).rejects.toThrow(/role/);
    await expect(signDevToken({ sub: 's', role: 'admin' }, 'short')).rejects.toThrow(/32/);
  });

  it('needs a secret or a JWKS URL', () => {
    expect(() => new JwtVerifier({})).toThrow(/CHUISHAO_JWT_SECRET/);
    expect(new JwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks', secret: SECRET }).mode).toBe('jwks');
  });

  it('in JWKS mode, HS256 tokens are not accepted', async () => {
    const jwks = new JwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks' });
    const token = await signDevToken({ sub: 'a', role: 'admin' }, SECRET);
    expect(await rejection(token, jwks)).toMatch(/algorithm/);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { InvalidTokenError, JwtVerifier, signDevToken } from './jwt';

const SECRET = 'dev-secret-0123456789-abcdefghijklmnop';
const key = new TextEncoder().encode(SECRET);
const now = (): number => Math.floor(Date.now() / 1000);

interface RawOptions {
  exp?: number | null;
  iat?: number | null;
  secret?: Uint8Array;
  sub?: string;
}

/** An HS256 token as anyone holding the secret could make it (exp 1 h, iat now unless told). */
async function raw(claims: Record<string, unknown>, opts: RawOptions = {}): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
  if (opts.iat !== null) jwt = jwt.setIssuedAt(opts.iat ?? now());
  if (opts.sub !== undefined) jwt = jwt.setSubject(opts.sub);
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? now() + 3600);
  return jwt.sign(opts.secret ?? key);
}

const unsigned = (payload: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

async function rejection(token: string, verifier: JwtVerifier = new JwtVerifier({ secret: SECRET })): Promise<string> {
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

  it('accepts roles without org, and a dev token of exactly 24 h', async () => {
    const token = await signDevToken({ sub: 'cc', role: 'command-center' }, SECRET, 24 * 3600);
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'cc', role: 'command-center' });
  });

  it('refuses to sign a dev token living longer than 24 h', async () => {
    await expect(signDevToken({ sub: 'a', role: 'admin' }, SECRET, 24 * 3600 + 1)).rejects.toThrow(/24 h/);
  });

  it.each([
    ['without exp', () => raw({ role: 'admin' }, { sub: 'a', exp: null }), /no exp claim/],
    ['without iat', () => raw({ role: 'admin' }, { sub: 'a', iat: null }), /no iat claim/],
    ['living longer than 24 h (exp − iat)', () => raw({ role: 'admin' }, { sub: 'a', iat: now() - 60, exp: now() + 24 * 3600 }), /24 h/],
    ['issued in the future', () => raw({ role: 'admin' }, { sub: 'a', iat: now() + 3600, exp: now() + 7200 }), /iat/],
    ['issued more than 24 h ago', () => raw({ role: 'admin' }, { sub: 'a', iat: now() - 25 * 3600, exp: now() + 60 }), /expired/],
    ['expired beyond the clock tolerance', () => raw({ role: 'admin' }, { sub: 'a', iat: now() - 3600, exp: now() - 61 }), /expired/],
    ['signed with another secret', () => raw({ role: 'admin' }, { sub: 'a', secret: new TextEncoder().encode('x'.repeat(40)) }), /signature/],
    ['street without org', () => raw({ role: 'street' }, { sub: 'a' }), /org/],
    ['department without org', () => raw({ role: 'department' }, { sub: 'a' }), /org/],
    ['unknown role', () => raw({ role: 'mayor' }, { sub: 'a' }), /role/],
    ['no role', () => raw({}, { sub: 'a' }), /role/],
    ['no sub', () => raw({ role: 'admin' }), /sub/],
    ['garbage', async () => 'not.a.jwt', /malformed|cannot/],
    ['alg none', async () => unsigned({ sub: 'a', role: 'admin', iat: now(), exp: now() + 60 }), /algorithm|malformed/],
  ])('rejects a token %s', async (_name, make, reason) => {
    expect(await rejection(await make())).toMatch(reason);
  });

  it('tolerates a clock skew up to the configured tolerance, not beyond', async () => {
    const late = await raw({ role: 'admin' }, { sub: 'a', iat: now() - 3600, exp: now() - 30 });
    await expect(verifier.verify(late)).resolves.toMatchObject({ role: 'admin' }); // default 60 s
    expect(await rejection(late, new JwtVerifier({ secret: SECRET, clockToleranceSeconds: 10 }))).toMatch(/expired/);
  });

  it('refuses a clock tolerance outside 0–300 s', () => {
    expect(() => new JwtVerifier({ secret: SECRET, clockToleranceSeconds: 301 })).toThrow(/300/);
    expect(() => new JwtVerifier({ secret: SECRET, clockToleranceSeconds: -1 })).toThrow(/300/);
  });

  it('refuses to sign invalid claims or with a short secret', async () => {
    await expect(signDevToken({ sub: 's', role: 'street' }, SECRET)).rejects.toThrow(/org/);
    await expect(signDevToken({ sub: 's', role: 'mayor' as never }, SECRET)).rejects.toThrow(/role/);
    await expect(signDevToken({ sub: 's', role: 'admin' }, 'short')).rejects.toThrow(/32/);
  });

  it('needs a secret or a JWKS URL', () => {
    expect(() => new JwtVerifier({})).toThrow(/CHUISHAO_JWT_SECRET/);
  });
});

describe('JwtVerifier (JWKS: RS256 with iss and aud)', () => {
  const ISSUER = 'http://127.0.0.1/idp';
  const AUDIENCE = 'chuishao-console';
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;
  let otherKey: KeyLike;
  let verifier: JwtVerifier;
  let fetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    // the identity provider's key set, served on loopback (no network)
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    verifier = new JwtVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  interface Idp {
    iss?: string | null;
    aud?: string | null;
    exp?: number | null;
    key?: KeyLike;
    kid?: string;
  }
  function idpToken(claims: Record<string, unknown>, o: Idp = {}): Promise<string> {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'k1' }).setIssuedAt().setSubject('u-1');
    if (o.iss !== null) jwt = jwt.setIssuer(o.iss ?? ISSUER);
    if (o.aud !== null) jwt = jwt.setAudience(o.aud ?? AUDIENCE);
    if (o.exp !== null) jwt = jwt.setExpirationTime(o.exp ?? now() + 3600);
    return jwt.sign(o.key ?? privateKey);
  }

  it('accepts a token of the configured issuer for the configured audience', async () => {
    await expect(verifier.verify(await idpToken({ role: 'street', org: 'street-1' }))).resolves.toEqual({ sub: 'u-1', role: 'street', org: 'street-1' });
    expect(fetches).toBeGreaterThan(0);
  });

  it('accepts a token whose aud list holds the configured audience', async () => {
    const token = await new SignJWT({ role: 'admin', aud: ['other-app', AUDIENCE] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u-1').setIssuer(ISSUER).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    await expect(verifier.verify(token)).resolves.toMatchObject({ role: 'admin' });
  });

  it.each([
    ['without exp', () => idpToken({ role: 'admin' }, { exp: null }), /no exp claim/],
    ['without iss', () => idpToken({ role: 'admin' }, { iss: null }), /no iss claim/],
    ['without aud', () => idpToken({ role: 'admin' }, { aud: null }), /no aud claim/],
    ['of another issuer', () => idpToken({ role: 'admin' }, { iss: 'https://evil.example' }), /claim iss is invalid/],
    ['for another audience', () => idpToken({ role: 'admin' }, { aud: 'another-app' }), /claim aud is invalid/],
    ['signed by another key under the same kid', () => idpToken({ role: 'admin' }, { key: otherKey }), /signature/],
    ['signed by a key the JWKS does not hold', () => idpToken({ role: 'admin' }, { key: otherKey, kid: 'k2' }), /no key of the JWKS/],
    ['expired', () => idpToken({ role: 'admin' }, { exp: now() - 3600 }), /expired/],
    ['with alg none', async () => unsigned({ sub: 'u-1', role: 'admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 }), /algorithm|malformed/],
    ['signed HS256 with the dev secret', () => signDevToken({ sub: 'a', role: 'admin' }, SECRET), /algorithm/],
  ])('rejects a token %s', async (_name, make, reason) => {
    expect(await rejection(await make(), verifier)).toMatch(reason);
  });

  describe('with both a secret and a JWKS (npm start, the tests)', () => {
    let both: JwtVerifier;
    beforeAll(() => {
      both = new JwtVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, secret: SECRET });
    });

    it('accepts dev tokens (HS256, the secret) and the provider’s tokens (RS256, the JWKS with iss and aud)', async () => {
      expect(both.mode).toBe('both');
      await expect(both.verify(await signDevToken({ sub: 'a', role: 'admin' }, SECRET))).resolves.toEqual({ sub: 'a', role: 'admin' });
      await expect(both.verify(await idpToken({ role: 'street', org: 'street-1' }))).resolves.toEqual({ sub: 'u-1', role: 'street', org: 'street-1' });
    });

    it.each([
      ['an RS256 token of another issuer', () => idpToken({ role: 'admin' }, { iss: 'https://evil.example' }), /claim iss is invalid/],
      ['an RS256 token for another audience', () => idpToken({ role: 'admin' }, { aud: 'another-app' }), /claim aud is invalid/],
      ['an HS256 token signed with another secret', () => signDevToken({ sub: 'a', role: 'admin' }, 'x'.repeat(40)), /signature/],
      ['an HS256 token living longer than 24 h', () => new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuedAt().setExpirationTime(now() + 25 * 3600).sign(new TextEncoder().encode(SECRET)), /24 h/],
      ['alg none', async () => unsigned({ sub: 'u-1', role: 'admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 }), /algorithm|malformed/],
      ['not a JWT', async () => 'garbage', /malformed/],
    ])('still refuses %s', async (_name, make, reason) => {
      expect(await rejection(await make(), both)).toMatch(reason);
    });
  });

  it.each([
    [{ jwksUrl: 'http://idp.example/jwks', issuer: ISSUER, audience: AUDIENCE }, /https/],
    [{ jwksUrl: 'https://idp.example/jwks', audience: AUDIENCE }, /CHUISHAO_JWT_ISSUER/],
    [{ jwksUrl: 'https://idp.example/jwks', issuer: ISSUER }, /CHUISHAO_JWT_AUDIENCE/],
  ])('refuses a JWKS set-up without https, issuer or audience: %j', (options, message) => {
    expect(() => new JwtVerifier(options)).toThrow(message);
  });
});

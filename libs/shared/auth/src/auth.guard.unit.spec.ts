import { Controller, Get } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import { createTestApp } from '@chuishao/platform';
import { AuthModule, bearerToken, CurrentPrincipal, Public, Roles } from './auth.guard';
import { signDevToken } from './jwt';
import type { Principal } from './principal';

const SECRET = 'guard-test-secret-0123456789abcdefghij';

@Controller('g')
class GuardedController {
  @Get('any')
  any(@CurrentPrincipal() p: Principal): Principal {
    return p;
  }

  @Roles('command-center', 'admin')
  @Get('command')
  command(@CurrentPrincipal() p: Principal): { role: string } {
    return { role: p.role };
  }

  @Public()
  @Get('open')
  open(@CurrentPrincipal() p: Principal | undefined): { anonymous: boolean } {
    return { anonymous: p === undefined };
  }
}

@Public()
@Controller('pub')
class PublicController {
  @Get()
  get(): string {
    return 'hi';
  }
}

let app: NestFastifyApplication;
const auth = async (p: Principal) => ({ authorization: `Bearer ${await signDevToken(p, SECRET)}` });

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [AuthModule.forRoot({ secret: SECRET })],
    controllers: [GuardedController, PublicController],
  }).compile();
  app = await createTestApp(moduleRef);
});

afterAll(async () => {
  await app.close();
});

describe('AuthGuard', () => {
  it('no token → 401 problem with WWW-Authenticate: Bearer', async () => {
    const res = await app.inject({ method: 'GET', url: '/g/any' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ type: 'https://chuishao.dev/problems/unauthenticated', title: '未认证 / Unauthenticated', status: 401 });
  });

  it('invalid token → 401 with error="invalid_token"', async () => {
    const res = await app.inject({ method: 'GET', url: '/g/any', headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    const other = await signDevToken({ sub: 'x', role: 'admin' }, 'another-secret-0123456789abcdefghijkl');
    const res2 = await app.inject({ method: 'GET', url: '/g/any', headers: { authorization: `Bearer ${other}` } });
    expect(res2.statusCode).toBe(401);
  });

  it.each([
    ['without exp', () => new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().sign(new TextEncoder().encode(SECRET)), 'token has no exp claim'],
    ['living longer than 24 h', () => new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().setExpirationTime('25h').sign(new TextEncoder().encode(SECRET)), 'a dev token may live at most 24 h'],
    ['with alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', iat: 1, exp: 4102444800 })).toString('base64url')}.`, 'token algorithm is not accepted'],
  ])('a token %s → 401 problem+json saying why', async (_name, make, reason) => {
    const res = await app.inject({ method: 'GET', url: '/g/any', headers: { authorization: `Bearer ${await make()}` } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, detail: expect.stringContaining(reason) as unknown });
    expect(res.headers['www-authenticate']).toContain(`error_description="${reason}`);
  });

  it('valid token → 200 with the principal', async () => {
    const res = await app.inject({ method: 'GET', url: '/g/any', headers: await auth({ sub: 'li', role: 'street', org: 's1' }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sub: 'li', role: 'street', org: 's1' });
  });

  it('role not in @Roles → 403 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/g/command', headers: await auth({ sub: 'li', role: 'street', org: 's1' }) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: 'https://chuishao.dev/problems/forbidden', title: '无权访问 / Forbidden', status: 403 });
    const ok = await app.inject({ method: 'GET', url: '/g/command', headers: await auth({ sub: 'c', role: 'command-center' }) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ role: 'command-center' });
  });

  it('@Public routes and controllers need no token', async () => {
    const res = await app.inject({ method: 'GET', url: '/g/open' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ anonymous: true });
    expect((await app.inject({ method: 'GET', url: '/pub' })).statusCode).toBe(200);
  });

  it('unknown routes stay 404 (not 401)', async () => {
    expect((await app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

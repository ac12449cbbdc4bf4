import { Controller, Get, NotFoundException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Fastify from 'fastify';
import { createTestApp } from './bootstrap';
import { isDocsPath, trustProxyOption } from './edge';

@Controller('x')
class XController {
  @Get()
  get(): { ok: true } {
    return { ok: true };
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('gone');
  }
}

/** The CSP as a map directive → sources. */
function csp(header: unknown): Record<string, string> {
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
  );
}

describe('security headers (installSecurityHeaders through configureApp)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [XController] }).compile();
    // Swagger UI's own routes (their static files need an ESM package Jest cannot load) are checked
    // in the e2e suite; here, routes at the same paths
    app = await createTestApp(moduleRef, {
      beforeInit: (a) => {
        const fastify = a.getHttpAdapter().getInstance();
        for (const url of ['/docs', '/docs/swagger-ui-init.js', '/docs-json']) fastify.get(url, () => 'docs');
      },
    });
  });
  afterAll(() => app.close());

  it.each([
    ['an API answer', '/x', 200],
    ['an error (problem+json)', '/x/missing', 404],
    ['an unknown route', '/nowhere', 404],
  ])('are on %s', async (_name, url, status) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const policy = csp(res.headers['content-security-policy']);
    expect(policy).toMatchObject({ 'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self'", 'frame-ancestors': "'none'", 'object-src': "'none'" });
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('give Swagger UI inline styles (never inline script) under /docs only', async () => {
    for (const url of ['/docs', '/docs/swagger-ui-init.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      const policy = csp(res.headers['content-security-policy']);
      expect(policy['style-src']).toBe("'self' 'unsafe-inline'");
      expect(policy['script-src']).toBe("'self'");
      expect(policy['frame-ancestors']).toBe("'none'");
    }
    const json = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(csp(json.headers['content-security-policy'])['style-src']).toBe("'self'");
  });

  it('isDocsPath', () => {
    expect(['/docs', '/docs/', '/docs/x.js'].every(isDocsPath)).toBe(true);
    expect(['/docs-json', '/documents', '/api/v1/docs'].some(isDocsPath)).toBe(false);
  });
});

describe('trusted proxies (trustProxyOption)', () => {
  async function clientIp(trusted: string[], remoteAddress: string, xff: string): Promise<{ ip: string; host: string }> {
    const fastify = Fastify({ trustProxy: trustProxyOption(trusted) });
    fastify.get('/', (req) => ({ ip: req.ip, host: req.host }));
    const res = await fastify.inject({ method: 'GET', url: '/', remoteAddress, headers: { 'x-forwarded-for': xff, 'x-forwarded-host': 'evil.example', host: 'chuishao.example' } });
    await fastify.close();
    return res.json();
  }

  it('with none configured, the socket is the client and X-Forwarded-* are ignored', async () => {
    expect(trustProxyOption([])).toBe(false);
    expect(await clientIp([], '203.0.113.9', '6.6.6.6')).toEqual({ ip: '203.0.113.9', host: 'chuishao.example' });
  });

  it('from a configured proxy, the forwarded client is believed; from anyone else, not', async () => {
    expect(await clientIp(['10.0.0.0/8'], '10.1.2.3', '6.6.6.6, 198.51.100.4')).toEqual({ ip: '198.51.100.4', host: 'evil.example' });
    expect(await clientIp(['10.0.0.0/8'], '203.0.113.9', '6.6.6.6')).toEqual({ ip: '203.0.113.9', host: 'chuishao.example' });
  });
});

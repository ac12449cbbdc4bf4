import { JwtVerifier } from '@chuishao/auth';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG_FILE, CliError, CliIo, findRepoRoot, parseCatalog, parseDuration, parseTokenArgs, resolveOrg, runTokenCli, SECRET_FILE, UsageError } from './token';

const SECRET = 'cli-test-secret-0123456789abcdefghijkl';
const STREET_ID = 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b';
const DEPT_ID = '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d';
const catalogJson = {
  version: 1,
  departments: [{ id: DEPT_ID, code: 'FIRE_RESCUE', name: '和平区消防救援支队', nameEn: 'Heping District Fire and Rescue Detachment' }],
  streets: [{ id: STREET_ID, code: 'QUANYECHANG', name: '劝业场街道', nameEn: 'Quanyechang Subdistrict', communities: [] }],
};
const catalog = parseCatalog(catalogJson);

describe('parseTokenArgs', () => {
  it('parses role, org and options', () => {
    expect(parseTokenArgs(['street', 'QUANYECHANG', '--sub', 'li.wei', '--ttl', '30m'])).toEqual({
      role: 'street', org: 'QUANYECHANG', open311: false, sub: 'li.wei', ttlSeconds: 1800,
    });
    expect(parseTokenArgs(['command-center'])).toEqual({ role: 'command-center', org: undefined, open311: false, sub: undefined, ttlSeconds: 43200 });
    expect(parseTokenArgs(['--open311', 'street', 'x', '--ttl=1d']).open311).toBe(true);
  });

  it.each([
    [[], /missing <role>/],
    [['mayor'], /unknown role/],
    [['street'], /needs an org/],
    [['department'], /needs an org/],
    [['admin', '--open311'], /streets only/],
    [['admin', '--ttl', 'soon'], /invalid --ttl/],
    [['admin', '--sub'], /needs a value/],
    [['admin', '--wat'], /unknown option/],
    [['street', 'a', 'b'], /unexpected argument/],
  ])('%j → usage error %s', (argv, message) => {
    expect(() => parseTokenArgs(argv)).toThrow(UsageError);
    expect(() => parseTokenArgs(argv)).toThrow(message);
  });

  it('parses durations', () => {
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('12h')).toBe(43200);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('24h')).toBe(86400);
    expect(() => parseDuration('7d')).toThrow(/at most 24h/);
    expect(() => parseDuration('86401')).toThrow(/at most 24h/);
    expect(() => parseDuration('0')).toThrow();
  });
});

describe('resolveOrg', () => {
  it('resolves codes, names and ids to ids', () => {
    expect(resolveOrg('street', 'QUANYECHANG', catalog)).toBe(STREET_ID);
    expect(resolveOrg('street', 'quanyechang', catalog)).toBe(STREET_ID);
    expect(resolveOrg('street', '劝业场', catalog)).toBe(STREET_ID);
    expect(resolveOrg('street', STREET_ID, catalog)).toBe(STREET_ID);
    expect(resolveOrg('department', 'FIRE_RESCUE', catalog)).toBe(DEPT_ID);
    expect(resolveOrg('department', 'fire-rescue', catalog)).toBe(DEPT_ID);
  });

  it('refuses an unknown org, or a street code given for a department', () => {
    expect(() => resolveOrg('street', 'ATLANTIS', catalog)).toThrow(CliError);
    expect(() => resolveOrg('street', 'ATLANTIS', catalog)).toThrow(/unknown street "ATLANTIS".*QUANYECHANG/);
    expect(() => resolveOrg('department', 'QUANYECHANG', catalog)).toThrow(/unknown department/);
  });

  it('keeps the org as given without a catalog, and for other roles', () => {
    expect(resolveOrg('street', 'anything', undefined)).toBe('anything');
    expect(resolveOrg('admin', 'HQ', catalog)).toBe('HQ');
  });
});

describe('runTokenCli', () => {
  let root: string;
  let out: string[];
  let err: string[];
  const io = (env: NodeJS.ProcessEnv = {}): CliIo => ({ env, root, out: (l) => out.push(l), err: (l) => err.push(l) });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chuishao-token-'));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('prints a verifiable token signed with CHUISHAO_JWT_SECRET, resolving the org code', async () => {
    mkdirSync(join(root, 'libs/catalog/src/data'), { recursive: true });
    writeFileSync(join(root, CATALOG_FILE), JSON.stringify(catalogJson));
    expect(await runTokenCli(['department', 'FIRE_RESCUE', '--sub', 'chief'], io({ CHUISHAO_JWT_SECRET: SECRET }))).toBe(0);
    expect(out).toHaveLength(1);
    await expect(new JwtVerifier({ secret: SECRET }).verify(out[0])).resolves.toEqual({ sub: 'chief', role: 'department', org: DEPT_ID });
  });

  it('refuses an unknown org with a clear message (exit 1)', async () => {
    mkdirSync(join(root, 'libs/catalog/src/data'), { recursive: true });
    writeFileSync(join(root, CATALOG_FILE), JSON.stringify(catalogJson));
    expect(await runTokenCli(['street', 'NOWHERE'], io({ CHUISHAO_JWT_SECRET: SECRET }))).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/unknown street "NOWHERE"/);
    expect(err.join('\n')).not.toMatch(/usage/);
  });

  it('creates .data/dev-jwt-secret when there is no secret, says so, and reuses it', async () => {
    expect(await runTokenCli(['admin'], io())).toBe(0);
    const secret = readFileSync(join(root, SECRET_FILE), 'utf8').trim();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(48);
    expect(statSync(join(root, SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(err.join('\n')).toMatch(/created .data\/dev-jwt-secret/);
    await expect(new JwtVerifier({ secret }).verify(out[0])).resolves.toEqual({ sub: 'dev-admin', role: 'admin' });

    err = [];
    expect(await runTokenCli(['admin'], io())).toBe(0);
    expect(err.join('\n')).not.toMatch(/created/);
    expect(readFileSync(join(root, SECRET_FILE), 'utf8').trim()).toBe(secret);
  });

  it('--open311 asks the running system for a key as admin and prints it', async () => {
    const calls: Array<{ url: string; auth: string; body: unknown }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      calls.push({ url, auth: headers.authorization, body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify({ id: 'k-1', key: 'o311_issued-key' }), { status: 201 });
    }) as unknown as typeof fetch;
    const env = { CHUISHAO_JWT_SECRET: SECRET, CHUISHAO_BASE_URL: 'http://gw.test:9/' };
    expect(await runTokenCli(['street', STREET_ID, '--open311', '--label', 'GIS'], { ...io(env), fetch: fakeFetch })).toBe(0);
    expect(out).toEqual(['o311_issued-key']);
    expect(calls[0].url).toBe('http://gw.test:9/api/v1/open311-keys');
    expect(calls[0].body).toEqual({ streetId: STREET_ID, label: 'GIS' });
    const claims = await new JwtVerifier({ secret: SECRET }).verify(calls[0].auth.replace('Bearer ', ''));
    expect(claims).toMatchObject({ role: 'admin', sub: 'dev-cli' });
  });

  it('--open311 says why when the system refuses or is not running', async () => {
    const refused = (async () => new Response(JSON.stringify({ detail: '角色 street 无权执行此操作' }), { status: 403 })) as unknown as typeof fetch;
    expect(await runTokenCli(['street', STREET_ID, '--open311'], { ...io({ CHUISHAO_ADMIN_TOKEN: 'x.y.z' }), fetch: refused })).toBe(1);
    expect(err.join('\n')).toMatch(/answered 403: 角色 street/);
    const down = (async () => {
      throw new Error('ECONNREFUSED');
    }) as unknown as typeof fetch;
    expect(await runTokenCli(['street', STREET_ID, '--open311'], { ...io({ CHUISHAO_JWT_SECRET: SECRET }), fetch: down })).toBe(1);
    expect(err.join('\n')).toMatch(/is the system running\? npm start/);
  });

  it('--help prints usage and exits 0', async () => {
    expect(await runTokenCli(['--help'], io())).toBe(0);
    expect(err.join('\n')).toMatch(/usage: npm run token/);
  });
});

describe('findRepoRoot', () => {
  it('finds the folder with tsconfig.base.json', () => {
    expect(readFileSync(join(findRepoRoot(__dirname), 'tsconfig.base.json'), 'utf8')).toContain('@chuishao/auth');
  });
});

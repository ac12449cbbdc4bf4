/**
 * `npm run token -- <role> [org] [--open311 [--label text]] [--sub name] [--ttl 12h]` (a dev token lives at most 24 h)
 *
 * Prints a dev JWT (HS256, CHUISHAO_JWT_SECRET) on stdout, or with `--open311` and role `street`
 * a new Open311 API key for that street. Diagnostics go to stderr so `$(npm run -s token -- …)` works.
 *
 * Open311 keys are data of intake (contract §14): `--open311` asks the running system for one,
 * `POST /api/v1/open311-keys` at CHUISHAO_BASE_URL (default http://127.0.0.1:8080) as `admin` —
 * with the bearer token in CHUISHAO_ADMIN_TOKEN, else a 5-minute dev admin token (sub `dev-cli`)
 * signed with the secret below — so that the key is issued, recorded and revocable like any other.
 *
 * The secret is `CHUISHAO_JWT_SECRET`, else the file `.data/dev-jwt-secret` (created by
 * `npm start`, or here with 48 random bytes if missing). `org` is an id, or — when the catalog
 * (`libs/catalog/src/data/catalog.v1.json`) exists — a street/department code or name that is
 * resolved to its id; an org the catalog does not know is refused.
 */
import { isRole, MAX_DEV_TOKEN_TTL_SECONDS, MIN_SECRET_LENGTH, Role, ROLES, signDevToken } from '@chuishao/auth';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError, UsageError } from './errors';

export const USAGE = `usage: npm run token -- <role> [org] [--open311 [--label text]] [--sub name] [--ttl 12h]
  role       ${ROLES.join(' | ')}
  org        street id/code for street, department id/code for department (required for both)
  --open311  issue a new Open311 API key for the street and print it instead of a JWT (role street
             only; asks the running system at CHUISHAO_BASE_URL, default http://127.0.0.1:8080)
  --label    what the Open311 key is for (shown in GET /api/v1/open311-keys)
  --sub      subject (person) of the token; default dev-<role>
  --ttl      lifetime: 3600, 90s, 30m, 12h, 1d (default 12h, at most 24h)`;

export { CliError, UsageError } from './errors';

export interface TokenArgs {
  role: Role;
  org?: string;
  open311: boolean;
  label?: string;
  sub?: string;
  ttlSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600` / `90s` / `30m` / `12h` / `7d` → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid --ttl "${text}" (use e.g. 3600, 90s, 30m, 12h, 1d)`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] || 's'];
  if (seconds <= 0) throw new UsageError('--ttl must be positive');
  if (seconds > MAX_DEV_TOKEN_TTL_SECONDS) throw new UsageError('--ttl may be at most 24h (contract §14: dev tokens live no longer)');
  return seconds;
}

export function parseTokenArgs(argv: readonly string[]): TokenArgs {
  const positional: string[] = [];
  let open311 = false;
  let sub: string | undefined;
  let label: string | undefined;
  let ttlSeconds = 12 * 3600;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--open311':
        open311 = true;
        break;
      case '--sub':
        sub = value();
        break;
      case '--label':
        label = value();
        break;
      case '--ttl':
        ttlSeconds = parseDuration(value());
        break;
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        positional.push(arg);
    }
  }
  if (positional.length === 0) throw new UsageError('missing <role>');
  if (positional.length > 2) throw new UsageError(`unexpected argument ${positional[2]}`);
  const [role, org] = positional;
  if (!isRole(role)) throw new UsageError(`unknown role "${role}" (one of ${ROLES.join(', ')})`);
  if ((role === 'street' || role === 'department') && !org) {
    throw new UsageError(`role ${role} needs an org (its ${role} id or code)`);
  }
  if (open311 && role !== 'street') throw new UsageError('--open311 keys are issued to streets only (role street)');
  if (label !== undefined && !open311) throw new UsageError('--label goes with --open311');
  return { role, org, open311, sub, ttlSeconds, ...(label !== undefined ? { label } : {}) };
}

/** The repository root: the nearest folder above `from` holding tsconfig.base.json. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'tsconfig.base.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const SECRET_FILE = join('.data', 'dev-jwt-secret');
export const CATALOG_FILE = join('libs', 'catalog', 'src', 'data', 'catalog.v1.json');

/** CHUISHAO_JWT_SECRET, else `.data/dev-jwt-secret` (created with 48 random bytes if missing). */
export function resolveSecret(root: string, env: NodeJS.ProcessEnv, warn: (line: string) => void): string {
  const fromEnv = env['CHUISHAO_JWT_SECRET']?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_SECRET_LENGTH) throw new CliError(`CHUISHAO_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return fromEnv;
  }
  const file = join(root, SECRET_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < MIN_SECRET_LENGTH) throw new CliError(`${SECRET_FILE} holds a secret shorter than ${MIN_SECRET_LENGTH} characters`);
    return secret;
  }
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  warn(`created ${SECRET_FILE} with a new random dev secret (services started by npm start use the same file)`);
  return secret;
}

export interface CatalogOrg {
  id: string;
  code?: string;
  name?: string;
  nameEn?: string;
}

export interface CatalogOrgs {
  streets: CatalogOrg[];
  departments: CatalogOrg[];
}

function orgList(value: unknown): CatalogOrg[] {
  if (!Array.isArray(value)) return [];
  const out: CatalogOrg[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    if (typeof o.id !== 'string') continue;
    out.push({
      id: o.id,
      code: typeof o.code === 'string' ? o.code : undefined,
      name: typeof o.name === 'string' ? o.name : undefined,
      nameEn: typeof o.nameEn === 'string' ? o.nameEn : undefined,
    });
  }
  return out;
}

/** Streets and departments of the catalog JSON (`{streets:[…], departments:[…]}`, possibly nested one level). */
export function parseCatalog(json: unknown): CatalogOrgs {
  if (typeof json !== 'object' || json === null) return { streets: [], departments: [] };
  const root = json as Record<string, unknown>;
  const inner = typeof root.catalog === 'object' && root.catalog !== null ? (root.catalog as Record<string, unknown>) : root;
  return { streets: orgList(inner.streets), departments: orgList(inner.departments) };
}

/** The catalog's streets and departments, or undefined when the catalog file does not exist. */
export function loadCatalog(root: string): CatalogOrgs | undefined {
  const file = join(root, CATALOG_FILE);
  if (!existsSync(file)) return undefined;
  return parseCatalog(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

const norm = (s: string): string => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * The org id for `role`: only street and department orgs are resolved (id, code, name or English
 * name, case-insensitive) and, with a catalog, must exist. Other roles' org is kept as given.
 */
export function resolveOrg(role: Role, org: string | undefined, catalog: CatalogOrgs | undefined): string | undefined {
  if (org === undefined || (role !== 'street' && role !== 'department')) return org;
  if (!catalog) return org;
  const list = role === 'street' ? catalog.streets : catalog.departments;
  const wanted = norm(org);
  const hit =
    list.find((o) => o.id === org) ??
    list.find((o) => [o.id, o.code, o.name, o.name?.replace(/街道$/, ''), o.nameEn].some((v) => v !== undefined && norm(v) === wanted));
  if (hit) return hit.id;
  const known = list.map((o) => o.code ?? o.id).join(', ');
  throw new CliError(`unknown ${role} "${org}"; the catalog knows: ${known || '(none)'}`);
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  root: string;
  out: (line: string) => void;
  err: (line: string) => void;
  /** HTTP client for --open311 (tests give their own). */
  fetch?: typeof fetch;
}

/** Asks the running system for a new Open311 key of `streetId` (POST /api/v1/open311-keys as admin). */
export async function requestOpen311Key(streetId: string, label: string | undefined, io: CliIo): Promise<{ key: string; id: string }> {
  const base = (io.env['CHUISHAO_BASE_URL']?.trim() || 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = io.env['CHUISHAO_ADMIN_TOKEN']?.trim() || (await signDevToken({ sub: 'dev-cli', role: 'admin' }, resolveSecret(io.root, io.env, io.err), 300));
  let res: Response;
  try {
    res = await (io.fetch ?? fetch)(`${base}/api/v1/open311-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ streetId, ...(label ? { label } : {}) }),
    });
  } catch (err: unknown) {
    throw new CliError(`cannot reach ${base} (is the system running? npm start): ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = (await res.json().catch(() => ({}))) as { key?: unknown; id?: unknown; detail?: unknown };
  if (res.status !== 201 || typeof body.key !== 'string' || typeof body.id !== 'string') {
    throw new CliError(`${base}/api/v1/open311-keys answered ${res.status}${typeof body.detail === 'string' ? `: ${body.detail}` : ''}`);
  }
  return { key: body.key, id: body.id };
}

/** Runs the command; returns the exit code (0 ok, 2 bad command line, 1 other failure). */
export async function runTokenCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseTokenArgs(argv);
    const catalog = loadCatalog(io.root);
    if (!catalog && args.org && (args.role === 'street' || args.role === 'department')) {
      io.err(`note: ${CATALOG_FILE} not found; using org "${args.org}" as given`);
    }
    const org = resolveOrg(args.role, args.org, catalog);
    if (args.open311) {
      const issued = await requestOpen311Key(org ?? '', args.label, io);
      io.out(issued.key);
      io.err(`# Open311 api_key ${issued.id} for street ${org} (shown once; revoke: DELETE /api/v1/open311-keys/${issued.id})`);
      return 0;
    }
    const secret = resolveSecret(io.root, io.env, io.err);
    const sub = args.sub ?? `dev-${args.role}`;
    const token = await signDevToken(org === undefined ? { sub, role: args.role } : { sub, role: args.role, org }, secret, args.ttlSeconds);
    io.out(token);
    const expires = new Date(Date.now() + args.ttlSeconds * 1000).toISOString();
    io.err(`# ${args.role}${org ? ` org=${org}` : ''} sub=${sub}, expires ${expires}`);
    return 0;
  } catch (err: unknown) {
    if (err instanceof UsageError) {
      if (err.message) io.err(`error: ${err.message}`);
      io.err(USAGE);
      return err.message ? 2 : 0;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** Entry point used by scripts/cli.js (npm run token). */
export function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runTokenCli(argv, {
    env: process.env,
    root: findRepoRoot(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}

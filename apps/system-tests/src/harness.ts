import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { signDevToken, type Role } from '@chuishao/auth';
import { deleteTestTopics, freshDatabase, grantTestAcls, kafkaBrokers, kafkaIsSecured, parseTestJson, principalKafkaConfig, TEST_FEEDBACK_SECRET, TEST_JWT_SECRET, testTopicPrefix } from '@chuishao/testing';

// The same launcher `npm start` uses (plain JS, runs the compiled services from dist/).
// eslint-disable-next-line @nx/enforce-module-boundaries -- a plain script, not a project
const stack = require('../../../scripts/lib/stack.js') as {
  startProcess(name: string, o: { env: Record<string, string>; ports: Record<string, number>; logDir?: string; instance?: number; port?: number }): Proc;
  waitForHealth(url: string, timeoutMs: number, alive?: () => boolean): Promise<void>;
  stopProcess(p: Proc, signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  SERVICES: string[];
};

/** The current calendar quarter in the district's time zone (Asia/Shanghai, UTC+8), e.g. 2026-Q4. */
export function currentQuarter(): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  return `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
}

export interface Proc {
  /** `triage`, or `triage-2` for a further instance. */
  name: string;
  child: import('node:child_process').ChildProcess;
  logFile?: string;
  port: number;
}

/** The processes of a stack: the four services, the gateway and the development OpenID Provider. */
export type ServiceName = 'intake' | 'triage' | 'dispatch' | 'assessment' | 'gateway' | 'dev-oidc';
export type ConsumerService = Exclude<ServiceName, 'gateway' | 'dev-oidc'>;

/** The gateway's client secret at the stack's provider, and the session cookie's secret (tests only). */
export const TEST_OIDC_CLIENT_SECRET = 'test-oidc-client-secret-0123456789abcdef';
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdefghij';
/** `aud` of the stack provider's access tokens, as the services expect it. */
export const TEST_OIDC_AUDIENCE = 'chuishao';

/**
 * `n` distinct free ports: all bound at once, then released. (One at a time, the OS may hand the
 * same port out again once the previous probe closed it: a CI run gave the gateway and assessment
 * the same port, the gateway died on EADDRINUSE and the tests talked to assessment.)
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (s) =>
          new Promise<number>((resolve, reject) => {
            s.once('error', reject);
            s.listen(0, '127.0.0.1', () => {
              const a = s.address();
              if (typeof a === 'object' && a) resolve(a.port);
              else reject(new Error('no port'));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => (s.listening ? s.close(r) : r(undefined)))));
  }
}

/**
 * A whole running system for one test file: fresh database, own topic prefix, the four services
 * and the gateway as real processes on free ports, logs under .data/test-logs/<label>/.
 */
export class TestStack {
  procs = new Map<ServiceName, Proc>();
  /** Further instances of the consumer services (`triage-2`, ...), each on its own port; the gateway talks to the first. */
  instances = new Map<string, Proc>();
  ports: Record<ServiceName, number> = { intake: 0, triage: 0, dispatch: 0, assessment: 0, gateway: 0, 'dev-oidc': 0 };
  /** The gateway's internal listener (detailed /health, /metrics). */
  internalPort = 0;
  env: Record<string, string> = {};
  db!: Awaited<ReturnType<typeof freshDatabase>>;
  logDir: string;
  private revokeAcls?: () => Promise<void>;

  constructor(
    readonly label: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.logDir = join(__dirname, '../../../.data/test-logs', `${label}-${Date.now().toString(36)}`);
  }

  get base(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  /** The stack's OpenID Provider (contract §16 accounts, password chuishao-dev). */
  get issuer(): string {
    return `http://127.0.0.1:${this.ports['dev-oidc']}`;
  }

  /** The gateway's internal listener (operators only). */
  get internalBase(): string {
    return `http://127.0.0.1:${this.internalPort}`;
  }

  async start(): Promise<this> {
    this.db = await freshDatabase(this.label);
    const names = Object.keys(this.ports) as ServiceName[];
    const ports = await freePorts(names.length + 1);
    names.forEach((k, i) => (this.ports[k] = ports[i]));
    this.internalPort = ports[names.length];
    this.env = {
      // sign-in (contract §16): the stack's own provider; the services take its tokens and dev tokens
      CHUISHAO_OIDC_ISSUER: this.issuer,
      CHUISHAO_OIDC_CLIENT_ID: 'chuishao-console',
      CHUISHAO_OIDC_CLIENT_SECRET: TEST_OIDC_CLIENT_SECRET,
      CHUISHAO_OIDC_REDIRECT_URI: `${this.base}/auth/callback`,
      CHUISHAO_SESSION_SECRET: TEST_SESSION_SECRET,
      CHUISHAO_JWKS_URL: `${this.issuer}/jwks`,
      CHUISHAO_JWT_ISSUER: this.issuer,
      CHUISHAO_JWT_AUDIENCE: TEST_OIDC_AUDIENCE,
      // its keys: beside the logs (the tests read every file in the log folder), removed by stop()
      CHUISHAO_DEV_OIDC_DIR: `${this.logDir}.dev-oidc`,
      // the browser tests sign in many times a minute from one address
      CHUISHAO_RATE_LIMIT_AUTH_PER_MIN: '1000',
      DATABASE_URL: this.db.url,
      KAFKA_BROKERS: kafkaBrokers(),
      CHUISHAO_JWT_SECRET: TEST_JWT_SECRET,
      CHUISHAO_FEEDBACK_SECRET: TEST_FEEDBACK_SECRET,
      CHUISHAO_TOPIC_PREFIX: testTopicPrefix(this.label),
      KAFKA_PARTITIONS: '3',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...this.extraEnv,
    };
    // On a secured broker each service runs as its own principal (chuishao-<service>) under the ACL
    // model's bindings for this stack's prefix, as `npm start` does on the real topics (ADR 0021):
    // a topic or group a service uses and the model forgot fails the end-to-end tests.
    if (kafkaIsSecured()) this.revokeAcls = await grantTestAcls(this.env.CHUISHAO_TOPIC_PREFIX);
    // Services and the provider first, in parallel (each service migrates its own schema), then the gateway.
    await Promise.all((['dev-oidc', 'intake', 'triage', 'dispatch', 'assessment'] as const).map((s) => this.startOne(s)));
    await this.startOne('gateway');
    return this;
  }

  async startOne(name: ServiceName): Promise<void> {
    const p = stack.startProcess(name, { env: { ...this.env, ...this.kafkaCredentials(name) }, ports: { ...this.ports, internal: this.internalPort }, logDir: this.logDir });
    this.procs.set(name, p);
    await stack.waitForHealth(`http://127.0.0.1:${this.ports[name]}/health`, 90000, () => p.child.exitCode === null);
  }

  /**
   * Starts instance `n` (≥ 2) of a consumer service on a free port: the same database, topics and
   * consumer groups as the first, so the instances share the partitions (docs/scaling.md).
   */
  async startInstance(name: ConsumerService, n: number): Promise<Proc> {
    const [port] = await freePorts(1);
    const p = stack.startProcess(name, { env: { ...this.env, ...this.kafkaCredentials(name) }, ports: this.ports, logDir: this.logDir, instance: n, port });
    this.instances.set(p.name, p);
    await stack.waitForHealth(`http://127.0.0.1:${port}/health`, 90000, () => p.child.exitCode === null);
    return p;
  }

  /** The instance named `triage` (the first) or `triage-2`, ... */
  instance(name: string): Proc {
    const p = this.instances.get(name) ?? this.procs.get(name as ServiceName);
    if (!p) throw new Error(`no instance ${name}`);
    return p;
  }

  /** Stops one instance (SIGKILL by default), the first or a further one. */
  async killInstance(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await stack.stopProcess(this.instance(name), signal, 30000);
  }

  /** The Prometheus text of an instance's /metrics. */
  async metrics(name: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.instance(name).port}/metrics`);
    return res.text();
  }

  /** A service's own SCRAM credentials on a secured broker (the gateway and the provider have no Kafka client). */
  private kafkaCredentials(name: ServiceName): Record<string, string> {
    if (!kafkaIsSecured() || name === 'gateway' || name === 'dev-oidc') return {};
    const c = principalKafkaConfig(`chuishao-${name}`);
    return { KAFKA_SASL_USERNAME: c.KAFKA_SASL_USERNAME ?? '', KAFKA_SASL_PASSWORD: c.KAFKA_SASL_PASSWORD ?? '' };
  }

  async kill(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.procs.get(name);
    if (p) await stack.stopProcess(p, signal, 30000);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.procs.values(), ...this.instances.values()].map((p) => stack.stopProcess(p, 'SIGTERM', 20000)));
    await this.db?.drop().catch(() => undefined);
    rmSync(`${this.logDir}.dev-oidc`, { recursive: true, force: true });
    if (this.env.CHUISHAO_TOPIC_PREFIX) await deleteTestTopics(this.env.CHUISHAO_TOPIC_PREFIX);
    await this.revokeAcls?.();
  }

  token(role: Role, org?: string, sub = `${role}-tester`): Promise<string> {
    return signDevToken({ sub, role, org }, TEST_JWT_SECRET, 3600);
  }

  async http(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: parseTestJson(text), text };
  }

  /** A client on the service's own schema, for assertions (and for tampering in the audit test). */
  async sql<T = Record<string, unknown>>(schema: string, text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.db.url, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }
}

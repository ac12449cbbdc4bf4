import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { SCOPED_CALLERS, type AccessCaller, type AccessSpec } from '@chuishao/platform';
import type { Role } from '@chuishao/auth';
import { eventually, type DeclaredRoute } from '@chuishao/testing';
import { TestStack } from '../src/harness';
import { systemRoutes, type Service } from '../src/route-table';

const catalog = defaultCatalog();
const STREET = catalog.streets[0];
const OTHER_STREET = catalog.streets[1];
const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());

/** What the calls need: a whistle of STREET assigned to `department` (LEAD), and ids of other things. */
interface Fixture {
  whistleId: string;
  assignmentId: string;
  department: string;
  otherDepartment: string;
  keyId: string;
}

interface Sample {
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Requests in which the scope is checked — the routes answering `own` validate their body before
 * they look at the resource, so they need a valid one. A route without a sample gets no query and,
 * for a POST, `{}`. Keys: `METHOD path` as the route table shows them.
 */
const SAMPLES: Record<string, (f: Fixture) => Sample> = {
  'GET /api/v1/whistles': (f) => ({ query: `streetId=${STREET.id}&departmentId=${f.department}` }),
  'POST /api/v1/whistles/:id/withdraw': () => ({ body: { reason: '授权矩阵测试：撤回' } }),
  'POST /api/v1/whistles/:id/reopen': () => ({ body: { reason: '授权矩阵测试：退回' } }),
  'POST /api/v1/whistles/:id/confirm': () => ({ body: {} }),
  'GET /api/v1/assignments': (f) => ({ query: `departmentId=${f.department}` }),
  'POST /api/v1/assignments/:id/report': () => ({ body: { by: { name: '值班员' }, note: '收到' } }),
  'POST /api/v1/assignments/:id/arrive': () => ({ body: { by: { name: '值班员' } } }),
  'POST /api/v1/assignments/:id/progress': () => ({ body: { note: '处置中' } }),
  'POST /api/v1/assignments/:id/dispute': () => ({ body: { note: '授权矩阵测试：不属于本部门职责' } }),
  'POST /api/v1/assignments/:id/complete': () => ({ body: { result: '授权矩阵测试：已处置' } }),
  'POST /api/v1/assignments/:id/extension': () => ({ body: { kind: 'COMPLETE', until: new Date(Date.now() + 30 * 86_400_000).toISOString(), reason: '授权矩阵测试：需要协调物业' } }),
  'GET /api/v1/assessment/scorecards': (f) => ({ query: `period=${month}&departmentId=${f.department}` }),
  'POST /api/v1/assessment/appeals': (f) => ({ body: { period: month, target: { kind: 'DEADLINE', assignmentId: f.assignmentId }, reason: '授权矩阵测试：申诉理由', evidence: [] } }),
};

/** Path parameters by the route they belong to. */
function pathOf(route: DeclaredRoute, f: Fixture): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'id' && route.path.startsWith('/api/v1/whistles/')) return f.whistleId;
    if (name === 'id' && route.path.startsWith('/api/v1/assignments/')) return f.assignmentId;
    if (name === 'id' && route.path.startsWith('/api/v1/open311-keys/')) return f.keyId;
    if (name === 'id') return randomUUID();
    if (name === 'period') return '2025-01';
    if (name === 'token') return 'not-a-feedback-token';
    if (name === 'version') return '1';
    if (name === 'file' && route.path.includes('/services/')) return 'FIRE_LANE_BLOCKED.json';
    if (name === 'file') return `${f.whistleId}.json`;
    throw new Error(`no value for :${name} of ${route.method} ${route.path}: add one in pathOf (authorization-matrix.e2e.spec.ts)`);
  });
}

/** Routes that change what later calls see run last. */
const LAST = ['POST /api/v1/whistles/:id/withdraw', 'DELETE /api/v1/open311-keys/:id', 'POST /api/v1/assessment/periods/:period/close'];
const keyOf = (r: DeclaredRoute) => `${r.method} ${r.path}`;

interface Caller {
  name: string;
  kind: AccessCaller;
  scope?: 'own' | 'other';
  role?: Role;
  org?: (f: Fixture) => string;
}

const CALLERS: Caller[] = [
  { name: 'no token', kind: 'anonymous' },
  { name: 'street (own)', kind: 'street', scope: 'own', role: 'street', org: () => STREET.id },
  { name: 'street (other)', kind: 'street', scope: 'other', role: 'street', org: () => OTHER_STREET.id },
  { name: 'department (own)', kind: 'department', scope: 'own', role: 'department', org: (f) => f.department },
  { name: 'department (other)', kind: 'department', scope: 'other', role: 'department', org: (f) => f.otherDepartment },
  { name: 'command-center', kind: 'command-center', role: 'command-center' },
  { name: 'assessment-office', kind: 'assessment-office', role: 'assessment-office' },
  { name: 'admin', kind: 'admin', role: 'admin' },
];

/** The statuses a declaration admits for a caller: 'refused' = 401/403 as the answer says, 'passes' = anything else. */
function expected(route: DeclaredRoute, c: Caller): 'passes' | 401 | 403 {
  const a = route.access as AccessSpec;
  const answer = a[c.kind];
  if (c.kind === 'anonymous') return answer === 'allow' ? 'passes' : route.isPublic ? 403 : 401;
  if (answer === 'allow') return 'passes';
  if (answer === 'own') return c.scope === 'own' || !(SCOPED_CALLERS as readonly string[]).includes(c.kind) ? 'passes' : 403;
  return 403;
}

/**
 * The authorization matrix against the running system: every route of the route table (the
 * services' through the gateway, each service's /health and /metrics on its own port) called as
 * every caller, own and other organisation; the answer must be what its `@Access` declares
 * (docs/security.md). Allowed = anything but 401/403.
 */
describe('authorization matrix: every route × every caller against the running system', () => {
  const stack = new TestStack('authz_matrix');
  const routes = systemRoutes();
  let f: Fixture;

  beforeAll(async () => {
    await stack.start();
    const street = await stack.token('street', STREET.id);
    const blown = await stack.http('POST', '/api/v1/whistles', {
      token: street,
      headers: { 'idempotency-key': randomUUID() },
      body: { situationCode: 'FIRE_LANE_BLOCKED', title: '授权矩阵测试', description: '授权矩阵测试用哨件', location: { address: '和平区福缘里 1 号' } },
    });
    expect(blown.status).toBe(201);
    const center = await stack.token('command-center');
    const dispatched = await eventually(async () => {
      const w = await stack.http('GET', `/api/v1/whistles/${blown.json.id}`, { token: center });
      return w.json.assignments?.length > 0 ? (w.json as { assignments: Array<{ id: string; departmentId: string; role: string }> }) : undefined;
    }, 60_000);
    const lead = dispatched.assignments.find((a) => a.role === 'LEAD')!;
    // assessment knows the assignment (an appeal on it by another department is then refused as not its own)
    await eventually(async () => (await stack.sql('assessment', `SELECT 1 FROM assignment_facts WHERE assignment_id = $1`, [lead.id])).length > 0, 60_000);
    const key = await stack.http('POST', '/api/v1/open311-keys', { token: await stack.token('admin'), body: { streetId: STREET.id, label: 'matrix' } });
    expect(key.status).toBe(201);
    f = {
      whistleId: blown.json.id as string,
      assignmentId: lead.id,
      department: lead.departmentId,
      otherDepartment: catalog.departments.find((d) => !dispatched.assignments.some((a) => a.departmentId === d.id))!.id,
      keyId: key.json.id as string,
    };
  }, 180_000);
  afterAll(() => stack.stop());

  it('answers as declared', async () => {
    const ordered = [...routes.filter((r) => !LAST.includes(keyOf(r))), ...LAST.flatMap((k) => routes.filter((r) => keyOf(r) === k))];
    expect(ordered).toHaveLength(routes.length);
    const wrong: string[] = [];
    let calls = 0;
    for (const route of ordered) {
      const sample = SAMPLES[keyOf(route)]?.(f) ?? {};
      const path = pathOf(route, f) + (sample.query ? `?${sample.query}` : '');
      // the services' API through the gateway (the one base URL); their /health and /metrics on their own port
      const base = route.service === 'gateway' || /^\/(api\/v1|open311\/v2)\//.test(route.path) ? stack.base : `http://127.0.0.1:${stack.ports[route.service as Service]}`;
      for (const caller of CALLERS) {
        const headers: Record<string, string> = { ...(sample.headers ?? {}) };
        if (caller.role) headers.authorization = `Bearer ${await stack.token(caller.role, caller.org?.(f), `${caller.kind}-matrix`)}`;
        if (route.method === 'POST' && keyOf(route) === 'POST /api/v1/whistles') headers['idempotency-key'] = randomUUID();
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify(sample.body ?? {});
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(`${base}${path}`, { method: route.method, headers, body });
        // a stream (the alerts' server-sent events) never ends: its status is the answer
        const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
        calls++;
        const want = expected(route, caller);
        const ok = want === 'passes' ? res.status !== 401 && res.status !== 403 : res.status === want;
        if (!ok) wrong.push(`${route.method} ${route.path} as ${caller.name}: ${res.status} (declared ${want}) ${text.slice(0, 160)}`);
      }
    }
    console.log(`authorization matrix: ${routes.length} routes × ${CALLERS.length} callers = ${calls} calls`);
    expect(wrong).toEqual([]);
  }, 300_000);
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessDisagreements, MATRIX_END, MATRIX_START, renderMatrix } from '../src/access-matrix';
import { routeFor, systemRoutes } from '../src/route-table';

const SECURITY_MD = join(__dirname, '../../../docs/security.md');

/**
 * The route table of the authorization matrix (docs/security.md): every HTTP route of every
 * service and of the gateway, found from Nest's metadata, declares who may call it with `@Access`.
 * The e2e half (authorization-matrix.e2e.spec.ts) calls each route as each caller.
 */
describe('authorization matrix: the declarations', () => {
  const routes = systemRoutes();

  it('finds the routes of every service and of the gateway', () => {
    expect(new Set(routes.map((r) => r.service))).toEqual(new Set(['intake', 'triage', 'dispatch', 'assessment', 'gateway']));
    expect(routes.length).toBeGreaterThan(50);
    expect(routes).toContainEqual(expect.objectContaining({ service: 'intake', method: 'DELETE', path: '/api/v1/open311-keys/:id' }));
  });

  it('every route declares @Access, and it agrees with @Public / @Roles', () => {
    expect(routes.flatMap(accessDisagreements)).toEqual([]);
  });

  it('every API route of a service is routed to that service by the gateway', () => {
    const misrouted = routes
      .filter((r) => r.service !== 'gateway' && /^\/(api\/v1|open311\/v2)\//.test(r.path))
      .map((r) => ({ route: `${r.method} ${r.path}`, service: r.service, gateway: routeFor(r.path.replace(/:[^/]+/g, 'x')) }))
      .filter((r) => r.gateway !== r.service);
    expect(misrouted).toEqual([]);
  });

  it('docs/security.md shows exactly the declared matrix (UPDATE_ACCESS_MATRIX=1 rewrites it)', () => {
    const doc = readFileSync(SECURITY_MD, 'utf8');
    const start = doc.indexOf(MATRIX_START);
    const end = doc.indexOf(MATRIX_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const expected = renderMatrix(routes);
    const actual = doc.slice(start, end + MATRIX_END.length);
    if (actual !== expected && process.env['UPDATE_ACCESS_MATRIX'] === '1') {
      writeFileSync(SECURITY_MD, doc.slice(0, start) + expected + doc.slice(end + MATRIX_END.length));
      return;
    }
    expect(actual).toBe(expected);
  });
});

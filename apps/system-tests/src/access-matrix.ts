import { ACCESS_CALLERS, type AccessSpec } from '@chuishao/platform';
import type { DeclaredRoute } from '@chuishao/testing';

export const MATRIX_START = '<!-- access-matrix:start (generated from the routes’ @Access; the authorization matrix test checks it) -->';
export const MATRIX_END = '<!-- access-matrix:end -->';

const WORD: Record<string, string> = { allow: '✅ allow', deny: '⛔ deny', own: '🏠 own' };

/** The route table as the Markdown of docs/security.md: one row per route, one column per caller. */
export function renderMatrix(routes: readonly DeclaredRoute[]): string {
  const head = `| service | method | path | ${ACCESS_CALLERS.join(' | ')} | note |`;
  const rule = `|${'---|'.repeat(ACCESS_CALLERS.length + 4)}`;
  const rows = routes.map((r) => {
    const a = r.access as AccessSpec;
    return `| ${r.service} | ${r.method} | \`${r.path}\` | ${ACCESS_CALLERS.map((c) => WORD[a[c]]).join(' | ')} | ${a.note ?? ''} |`;
  });
  return [MATRIX_START, head, rule, ...rows, MATRIX_END].join('\n');
}

/** What the guard metadata (`@Public`, `@Roles`) says against `@Access`: a list of disagreements. */
export function accessDisagreements(r: DeclaredRoute): string[] {
  const a = r.access;
  if (!a) return [`${r.service} ${r.method} ${r.path} (${r.controller}.${r.handler}) declares no @Access`];
  const where = `${r.service} ${r.method} ${r.path} (${r.controller}.${r.handler})`;
  const out: string[] = [];
  if (a.anonymous === 'allow' && !r.isPublic) out.push(`${where}: anonymous allow but not @Public()`);
  if (r.isPublic && a.anonymous === 'deny' && !a.note) out.push(`${where}: @Public() but anonymous deny — say in a note what credential it takes`);
  if (!r.isPublic) {
    for (const role of ACCESS_CALLERS.filter((c) => c !== 'anonymous')) {
      const guardLets = !r.roles || r.roles.length === 0 || r.roles.includes(role);
      if (guardLets !== (a[role] !== 'deny')) out.push(`${where}: @Access says ${role} ${a[role]}, @Roles(${(r.roles ?? []).join(', ') || 'any'}) says ${guardLets ? 'allowed' : 'denied'}`);
    }
  }
  return out;
}

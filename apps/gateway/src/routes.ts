export type ServiceName = 'intake' | 'triage' | 'dispatch' | 'assessment';

/**
 * Which service answers which path of the one base URL (contract §0). First match wins; paths
 * are matched without the query string.
 */
export const ROUTES: ReadonlyArray<[RegExp, ServiceName]> = [
  [/^\/api\/v1\/whistles\/[^/]+\/triage-override\/?$/, 'triage'],
  [/^\/api\/v1\/policies\/triage(\/|$)/, 'triage'],
  // 公示公开 (contract §13): the departments' 三率 are assessment's, the rest intake's; the board
  // itself is composed by the gateway (public-board.ts)
  [/^\/api\/v1\/public\/departments(\/|$)/, 'assessment'],
  [/^\/api\/v1\/public(\/|$)/, 'intake'],
  [/^\/api\/v1\/(whistles|catalog|feedback|board)(\/|$)/, 'intake'],
  [/^\/open311\/v2(\/|$)/, 'intake'],
  [/^\/api\/v1\/open311-keys(\/|$)/, 'intake'],
  [/^\/api\/v1\/assignments(\/|$)/, 'dispatch'],
  // 提醒: server-sent events of deadlines and counts (dispatch owns both)
  [/^\/api\/v1\/alerts(\/|$)/, 'dispatch'],
  [/^\/api\/v1\/(street-ratings|assessment|analytics)(\/|$)/, 'assessment'],
];

export function routeFor(url: string): ServiceName | undefined {
  const path = url.split('?')[0];
  return ROUTES.find(([re]) => re.test(path))?.[1];
}

import { routeFor } from './routes';

describe('gateway routes', () => {
  it.each([
    ['/api/v1/whistles', 'intake'],
    ['/api/v1/whistles?status=BLOWN', 'intake'],
    ['/api/v1/whistles/abc/events', 'intake'],
    ['/api/v1/whistles/abc/triage-override', 'triage'],
    ['/api/v1/policies/triage', 'triage'],
    ['/api/v1/catalog', 'intake'],
    ['/api/v1/feedback/tok', 'intake'],
    ['/api/v1/board', 'intake'],
    ['/open311/v2/services.json', 'intake'],
    ['/api/v1/open311-keys', 'intake'],
    ['/api/v1/open311-keys/4b0b8f3e-4a55-4c9e-9d0e-5d1f8a6b2c11', 'intake'],
    ['/api/v1/assignments/x/report', 'dispatch'],
    ['/api/v1/street-ratings', 'assessment'],
    ['/api/v1/assessment/scorecards?period=2026-Q3', 'assessment'],
    ['/api/v1/analytics/summary', 'assessment'],
    ['/api/v1/public/whistles?streetId=x', 'intake'],
    ['/api/v1/public/whistles/abc', 'intake'],
    ['/api/v1/public/feed.atom', 'intake'],
    ['/api/v1/public/board', 'intake'],
    ['/api/v1/public/departments?period=2026-10', 'assessment'],
    ['/api/v1/whistles/abc/feedback-qr.svg', 'intake'],
  ])('%s → %s', (url, service) => expect(routeFor(url)).toBe(service));

  it('leaves unknown paths to the gateway', () => {
    expect(routeFor('/api/v1/whistlesx')).toBeUndefined();
    expect(routeFor('/health')).toBeUndefined();
  });
});

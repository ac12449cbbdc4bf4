import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';
import { blow, catalog, publishWhistleEvent, settled, whistleBody } from './intake-test-kit';

/**
 * Contract §10 through intake's own consumer: an event the store refuses (a NUL in jsonb, 22P05)
 * is parked with the whistle's later events, the whistle shows `stuck` with the reason and the
 * board counts it, every other whistle flows; a discard clears it.
 */
describe('intake: a whistle whose events cannot be applied is parked and shown stuck', () => {
  let svc: ServiceUnderTest;
  let street: string;
  let center: string;

  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_stuck' });
    street = await svc.token('street', catalog.streets[0].id);
    center = await svc.token('command-center');
  });
  afterAll(() => svc.stop());

  it('parks the poison event and the later one, shows the whistle stuck, lets another whistle flow, and clears on discard', async () => {
    const poisoned = (await blow(svc, street, whistleBody(1))).id as string;
    const healthy = (await blow(svc, street, whistleBody(2))).id as string;
    await settled(svc, poisoned);
    await settled(svc, healthy);
    const progress = (whistleId: string, note: string) =>
      publishWhistleEvent(svc, whistleId, 'HandlingProgressed', { whistleId, assignmentId: '3f1f6c1e-1d3b-4a59-9a3c-2d1e5f7a8b9c', departmentId: catalog.departments[0].id, note, at: null });
    await progress(poisoned, 'NUL \u0000 in a note');
    await progress(poisoned, 'a later, valid note');
    await progress(healthy, 'flows');

    const stuck = await eventually(async () => {
      const r = await svc.inject('GET', `/api/v1/whistles/${poisoned}`, { token: street });
      return r.json.stuck?.length === 1 ? r.json.stuck : undefined;
    }, 30000);
    expect(stuck).toEqual([{ service: 'intake', reason: expect.stringMatching(/^PostgreSQL 22P05: /), since: expect.any(String) }]);
    const parked: Array<{ key: string }> = await svc.dataSource.query(`SELECT key FROM parked ORDER BY id`);
    expect(parked.map((p) => p.key)).toEqual([poisoned, poisoned]);
    const healthyView = await eventually(async () => {
      const r = await svc.inject('GET', `/api/v1/whistles/${healthy}`, { token: street });
      return r.json.projectionVersion >= 2 ? r.json : undefined;
    }, 30000);
    expect(healthyView.stuck).toEqual([]);
    expect((await svc.inject('GET', '/api/v1/board', { token: center })).json.counts.stuck).toBe(1);

    // the operator discards (npm run parked -- discard <id> --service intake): the whistle flows again
    await svc.dataSource.query(`UPDATE parked SET request = 'DISCARD' WHERE key = $1`, [poisoned]);
    await eventually(async () => (await svc.inject('GET', `/api/v1/whistles/${poisoned}`, { token: street })).json.stuck?.length === 0, 30000);
    expect((await svc.inject('GET', '/api/v1/board', { token: center })).json.counts.stuck).toBe(0);
  }, 90000);
});

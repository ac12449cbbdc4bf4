import { randomUUID } from 'node:crypto';
import { chainHash } from '@chuishao/event-store';
import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';
import { blow, catalog, complete, publishWhistleEvent, summon, waitForView, whistleBody } from './intake-test-kit';

const street = catalog.streets[0];
const REDACTED = '[已隐去 / redacted]';

interface Ev {
  type: string;
  position: number;
  actor: { role: string; org: string | null; sub: string };
  data: Record<string, unknown> & { by?: { name: string } };
  hash: string;
  prevHash: string;
  redacted?: string[];
  eventId: string;
  occurredAt: string;
}

/** GET /api/v1/whistles/{id}/events for a street or a department hides what their whistle view hides, and stays verifiable. */
describe('role-aware event views over HTTP', () => {
  let svc: ServiceUnderTest;
  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_redaction' });
  });
  afterAll(() => svc.stop());

  it('a department sees its own people only, no comment, no token hash; hashes as stored; the chain checks out', async () => {
    const streetToken = await svc.token('street', street.id);
    const w = await blow(svc, streetToken, whistleBody(70));
    const { leadId, lead, assistId, assist } = await summon(svc, w.id);
    const reply = (assignmentId: string, departmentId: string, name: string) =>
      publishWhistleEvent(
        svc,
        w.id,
        'DepartmentReported',
        { whistleId: w.id, assignmentId, departmentId, replyId: randomUUID(), at: null, receivedAt: new Date().toISOString(), by: { name }, note: '收到，马上出发', channel: 'http' },
        'dispatch',
        { role: 'department', org: departmentId, sub: `${departmentId}.duty-officer` },
      );
    await reply(leadId, lead, '张伟');
    await reply(assistId, assist, '李娜');
    await complete(svc, w.id, leadId, lead);
    await waitForView(svc, w.id, (v) => v.status === 'COMPLETED');
    const confirmed = await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: streetToken, body: {} });
    const link = confirmed.json.feedback.link as string;
    expect((await svc.inject('POST', `/api/v1${link}`, { body: { rating: 'DISSATISFIED', comment: '3 号楼王先生：车还在' } })).status).toBe(201);
    await waitForView(svc, w.id, (v) => v.version >= 8);

    const read = async (role: 'department' | 'street' | 'command-center', org?: string) => {
      const res = await svc.inject('GET', `/api/v1/whistles/${w.id}/events`, { token: await svc.token(role, org) });
      expect(res.status).toBe(200);
      return res.json as { events: Ev[]; chain: { valid: boolean; length: number } };
    };
    const full = await read('command-center');
    expect(full.events.map((e) => e.type)).toEqual(expect.arrayContaining(['DepartmentReported', 'FeedbackRequested', 'FeedbackGiven']));
    expect(JSON.stringify(full)).toContain('李娜');
    expect(full.events.some((e) => e.redacted)).toBe(false);

    const mine = await read('department', lead);
    expect(mine.chain).toEqual(full.chain);
    expect(mine.chain.valid).toBe(true);
    const text = JSON.stringify(mine);
    expect(text).toContain('张伟');
    expect(text).toContain(`${lead}.duty-officer`);
    expect(text).not.toMatch(/李娜|王先生/);
    expect(text).not.toContain(`${assist}.duty-officer`);
    const byType = (t: string, es: Ev[]) => es.filter((e) => e.type === t);
    expect(byType('FeedbackGiven', mine.events)[0].data.comment).toBe(REDACTED);
    expect(byType('FeedbackRequested', mine.events)[0].data.tokenHash).toBe(REDACTED);
    const theirs = byType('DepartmentReported', mine.events).find((e) => e.data.departmentId === assist)!;
    expect(theirs.redacted).toEqual(['data.by.name', 'actor.sub']);

    // how a department verifies (docs/security.md): positions run on, each prevHash is the previous
    // hash, every event not redacted recomputes; a redacted one is taken by its hash, which the
    // district's auditors see recompute on the stored event
    mine.events.forEach((e, i) => {
      expect(e.position).toBe(i + 1);
      expect([e.hash, e.prevHash]).toEqual([full.events[i].hash, full.events[i].prevHash]);
      if (i > 0) expect(e.prevHash).toBe(mine.events[i - 1].hash);
      expect(chainHash(e.prevHash, e) === e.hash).toBe(e.redacted === undefined);
      expect(chainHash(full.events[i].prevHash, full.events[i])).toBe(full.events[i].hash);
    });

    const streetView = JSON.stringify(await read('street', street.id));
    expect(streetView).not.toMatch(/张伟|李娜|王先生|duty-officer/);
    expect(streetView).toContain(REDACTED);

    // another department is not assigned: 403, as for the whistle itself
    const stranger = catalog.departments.find((d) => d.id !== lead && d.id !== assist)!;
    expect((await svc.inject('GET', `/api/v1/whistles/${w.id}/events`, { token: await svc.token('department', stranger.id) })).status).toBe(403);
  });
});

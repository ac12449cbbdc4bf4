import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { eventually } from '@chuishao/testing';
import { TestStack } from '../src/harness';

const catalog = defaultCatalog();
const street = catalog.streets[0];
const FIRE = catalog.departmentByCode('FIRE_RESCUE')!;
const URBAN = catalog.departmentByCode('URBAN_MANAGEMENT')!;

/**
 * Durable deadlines, with dispatch as a real process: a policy whose report deadline is PT2S
 * (published through triage's API), dispatch SIGKILLed right after the summons — before the
 * deadline — and started again after it: exactly one DeadlineMissed(REPORT) per assignment and
 * one WhistleEscalated each, visible in the whistle's audit stream.
 */
describe('dispatch end to end: a PT2S report deadline across a SIGKILL of dispatch', () => {
  const stack = new TestStack('dispatch_deadlines');
  let cc: string;
  let streetToken: string;

  beforeAll(async () => {
    await stack.start();
    cc = await stack.token('command-center');
    streetToken = await stack.token('street', street.id);
  });
  afterAll(() => stack.stop());

  it('exactly one DeadlineMissed per assignment and kind, within 5 s of the deadline once dispatch is back', async () => {
    const current = await stack.http('GET', '/api/v1/policies/triage', { token: cc });
    expect(current.status).toBe(200);
    const sla = { ...current.json.sla, RED: { report: 'PT2S', arrive: 'PT1H', complete: 'PT2H' } };
    const published = await stack.http('POST', '/api/v1/policies/triage', { token: cc, body: { sla, rules: current.json.rules } });
    if (published.status !== 201) throw new Error(`${published.status} ${published.text}`);

    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        situationCode: 'FIRE_LANE_BLOCKED',
        title: '消防通道被占（时限演练）',
        description: '演练：报到时限 2 秒。',
        location: { address: '和平区劝业场街道福缘里 5 号' },
        requestedDepartments: [FIRE.id, URBAN.id],
      },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    const rows = await eventually(async () => {
      const r = await stack.sql<{ id: string; due_at: Date }>('dispatch', `SELECT assignment_id AS id, due_at FROM deadlines WHERE whistle_id = $1 AND kind = 'REPORT'`, [id]);
      return r.length === 2 ? r : undefined;
    }, 30000, 20);
    const dueAt = Math.max(...rows.map((r) => new Date(r.due_at).getTime()));
    await stack.kill('dispatch', 'SIGKILL');
    const killedBefore = dueAt - Date.now();
     
    console.log(`dispatch SIGKILLed ${killedBefore} ms before the report deadline`);
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 1000));
    const restartedAt = Date.now();
    await stack.startOne('dispatch');

    const missed = await eventually(async () => {
      const r = await stack.sql<{ data: { assignmentId: string; kind: string; dueAt: string }; occurred_at: Date; type: string }>(
        'dispatch',
        `SELECT type, data, occurred_at FROM events WHERE stream_id = $1 AND type IN ('DeadlineMissed', 'WhistleEscalated') ORDER BY stream_position`,
        [`whistle-${id}`],
      );
      return r.filter((e) => e.type === 'DeadlineMissed').length >= 2 ? r : undefined;
    }, 60000, 100);
    const judgedAfterRestart = Math.max(...missed.map((m) => new Date(m.occurred_at).getTime())) - restartedAt;
     
    console.log(`both REPORT deadlines judged ${judgedAfterRestart} ms after dispatch was started again (boot included)`);
    await new Promise((r) => setTimeout(r, 3000));
    const audit = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: cc });
      const n = (r.json?.events ?? []).filter((e: { type: string }) => e.type === 'WhistleEscalated').length;
      return n >= 2 ? r.json : undefined;
    });
    const dm = audit.events.filter((e: { type: string }) => e.type === 'DeadlineMissed');
    expect(dm).toHaveLength(2);
    expect(new Set(dm.map((e: { data: { assignmentId: string } }) => e.data.assignmentId))).toEqual(new Set(rows.map((r) => r.id)));
    expect(dm.every((e: { data: { kind: string } }) => e.data.kind === 'REPORT')).toBe(true);
    expect(audit.events.filter((e: { type: string }) => e.type === 'WhistleEscalated')).toHaveLength(2);
    const view = await stack.http('GET', `/api/v1/whistles/${id}`, { token: cc });
    expect(view.json.assignments.every((a: { overdue: Array<{ kind: string }> }) => a.overdue.length === 1 && a.overdue[0].kind === 'REPORT')).toBe(true);
    const states = await stack.sql<{ state: string }>('dispatch', `SELECT state FROM deadlines WHERE whistle_id = $1 AND kind = 'REPORT'`, [id]);
    expect(states.map((s) => s.state)).toEqual(['MISSED', 'MISSED']);
  });
});

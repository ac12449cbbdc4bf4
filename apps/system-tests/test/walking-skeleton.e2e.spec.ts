import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { defaultCatalog } from '@chuishao/catalog';
import { chainHash } from '@chuishao/event-store';
import { eventually } from '@chuishao/testing';
import { TestStack } from '../src/harness';

const catalog = defaultCatalog();
const street = catalog.streets[0];

export function whistleBody(n = 0) {
  return {
    situationCode: 'FIRE_LANE_BLOCKED',
    title: `早餐车占用消防通道 ${n}`,
    description: '液化气罐停放在一楼窗外不足两米。',
    location: { address: `和平区劝业场街道福缘里 ${n} 号`, lat: 39.1207 + n * 0.01, lng: 117.2008 },
    hints: { lifeSafety: false, householdsAffected: 10 },
  };
}

describe('walking skeleton: a whistle through all four services over real Kafka', () => {
  const stack = new TestStack('skeleton');
  let streetToken: string;

  beforeAll(async () => {
    await stack.start();
    streetToken = await stack.token('street', street.id);
  });
  afterAll(() => stack.stop());

  it('reports healthy only when every service, the database and Kafka answer', async () => {
    const res = await stack.http('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('ok');
    expect(Object.keys(res.json.checks).sort()).toEqual(['assessment', 'dispatch', 'intake', 'triage']);
    expect(res.json.checks.intake.checks).toMatchObject({ postgres: { status: 'up' }, kafka: { status: 'up' } });
  });

  it('blows a whistle that reaches DISPATCHED with a valid hash chain, and detects tampering', async () => {
    const started = Date.now();
    const created = await stack.http('POST', '/api/v1/whistles', {
      token: streetToken,
      headers: { 'idempotency-key': randomUUID() },
      body: whistleBody(),
    });
    if (created.status !== 201) throw new Error(`${created.status} ${created.text}`);
    expect(created.json.status).toBe('BLOWN');
    expect(created.json.streetId).toBe(street.id);
    expect(created.headers.get('location')).toBe(`/api/v1/whistles/${created.json.id}`);
    const id = created.json.id as string;

    const dispatched = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}`, { token: streetToken });
      return r.json?.status === 'DISPATCHED' ? r.json : undefined;
    }, 10000, 20);
    const elapsed = Date.now() - started;
    expect(dispatched.level).toBe('RED');
    expect(dispatched.assignments).toHaveLength(4);
    expect(dispatched.assignments[0]).toMatchObject({ role: 'LEAD', departmentId: catalog.situation('FIRE_LANE_BLOCKED')!.leadDepartment });
     
    console.log(`blown → DISPATCHED visible through the gateway in ${elapsed} ms`);

    const audit = await eventually(async () => {
      const r = await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken });
      return r.json?.events?.length >= 3 ? r.json : undefined;
    });
    expect(audit.events.map((e: { type: string }) => e.type)).toEqual(['WhistleBlown', 'WhistleTriaged', 'DepartmentsSummoned']);
    expect(audit.events.map((e: { position: number }) => e.position)).toEqual([1, 2, 3]);
    expect(audit.events[0].prevHash).toBe('0'.repeat(64));
    expect(audit.events[1].prevHash).toBe(audit.events[0].hash);
    expect(audit.events[0].actor).toMatchObject({ role: 'street', org: street.id });
    expect(audit.chain).toEqual({ valid: true, length: 3 });

    await stack.sql('intake', `UPDATE whistle_ledger SET data = jsonb_set(data, '{level}', '"BLUE"') WHERE whistle_id = $1 AND position = 2`, [id]);
    const tampered = await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken });
    expect(tampered.json.chain).toMatchObject({ valid: false, firstBadPosition: 2 });
  });

  it('records the whistle in every service exactly once', async () => {
    const [{ n: triaged }] = await stack.sql<{ n: string }>('triage', `SELECT count(*) AS n FROM events WHERE type = 'WhistleTriaged'`);
    const [{ n: summoned }] = await stack.sql<{ n: string }>('dispatch', `SELECT count(*) AS n FROM events WHERE type = 'DepartmentsSummoned'`);
    const facts = await eventually(async () => {
      const rows = await stack.sql<{ n: string }>('assessment', `SELECT count(*) AS n FROM assignment_facts`);
      return Number(rows[0].n) === 4 ? rows : undefined;
    });
    expect(Number(triaged)).toBe(1);
    expect(Number(summoned)).toBe(1);
    expect(Number(facts[0].n)).toBe(4);
  });

  it('npm run audit verifies every service store and every ledger, and names what was altered', async () => {
    type Found = Array<{ streamId: string; firstBadPosition: number; reason: string }>;
    const audit = (...flags: string[]) =>
      new Promise<{ code: number; out: { schemas: Array<{ schema: string; streams: number; badCount: number; bad: Found }>; ledger: { whistles: number; badCount: number; bad: Found }; topic?: { compared: number; badCount: number; bad: Found; incomplete: number[] } } }>((resolve, reject) =>
        execFile(process.execPath, [join(__dirname, '../../../scripts/cli.js'), 'audit', '--json', ...flags], { env: { ...process.env, DATABASE_URL: stack.db.url, KAFKA_BROKERS: stack.env.KAFKA_BROKERS, CHUISHAO_TOPIC_PREFIX: stack.env.CHUISHAO_TOPIC_PREFIX } }, (err, stdout, stderr) => {
          const code = err ? Number((err as { code?: number }).code) : 0;
          if (code !== 0 && code !== 3) reject(new Error(`audit exited ${code}: ${stderr}`));
          else resolve({ code, out: JSON.parse(stdout) });
        }),
      );
    // the test before edited a ledger row (position 2) and no store: found in the ledgers alone
    const first = await audit();
    expect(first.code).toBe(3);
    expect(first.out.schemas.map((s) => [s.schema, s.badCount])).toEqual([['intake', 0], ['triage', 0], ['dispatch', 0], ['assessment', 0]]);
    expect(first.out.schemas.find((s) => s.schema === 'dispatch')!.streams).toBeGreaterThan(0);
    expect(first.out.ledger.bad).toEqual([expect.objectContaining({ firstBadPosition: 2 })]);
    const edited = first.out.ledger.bad[0].streamId;

    // another whistle, whose DepartmentsSummoned is then edited in dispatch's own store (not in the ledger)
    const created = await stack.http('POST', '/api/v1/whistles', { token: streetToken, headers: { 'idempotency-key': randomUUID() }, body: whistleBody(2) });
    const id = created.json.id as string;
    await eventually(async () => ((await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken })).json?.events?.length === 3 ? true : undefined));
    const [summoned] = await stack.sql<{ stream_id: string; stream_position: string }>('dispatch', `SELECT stream_id, stream_position FROM events WHERE type = 'DepartmentsSummoned' AND stream_id = $1`, [`whistle-${id}`]);
    await stack.sql('dispatch', `UPDATE events SET occurred_at = occurred_at - interval '1 hour' WHERE stream_id = $1 AND stream_position = $2`, [summoned.stream_id, summoned.stream_position]);
    const second = await audit();
    expect(second.code).toBe(3);
    const dispatch = second.out.schemas.find((s) => s.schema === 'dispatch')!;
    expect(dispatch.badCount).toBe(1);
    expect(dispatch.bad[0]).toMatchObject({ streamId: summoned.stream_id, firstBadPosition: Number(summoned.stream_position) });
    // the endpoint cannot see dispatch's store (its ledger copy is intact); the command compares the copy with its original
    expect((await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken })).json.chain).toEqual({ valid: true, length: 3 });
    expect(second.out.ledger.bad.map((b) => [b.streamId, b.firstBadPosition]).sort()).toEqual([[edited, 2], [id, 3]].sort());
    expect(second.out.ledger.bad.find((b) => b.streamId === id)!.reason).toContain('dispatch');

    // the same edit made to the ledger copy too, and both chains re-hashed with their heads: the
    // database agrees with itself; only the events as published on Kafka tell (--kafka)
    type Row = { type: string; occurred_at: Date; data: unknown; prev_hash: string; hash: string };
    const rechain = <R extends Row>(rows: R[], body: (r: R) => { eventId: string; position: number; actor: { role: string; org?: string | null; sub: string } }) => {
      let prev = rows[0].prev_hash;
      return rows.map((r) => {
        const hash = chainHash(prev, { ...body(r), type: r.type, occurredAt: new Date(r.occurred_at).toISOString(), data: r.data });
        const out = { ...r, prev_hash: prev, hash };
        prev = hash;
        return out;
      });
    };
    const originals = await stack.sql<Row & { event_id: string; stream_position: string; metadata: { actor: { role: string; org?: string | null; sub: string } } }>('dispatch', `SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_position`, [summoned.stream_id]);
    for (const r of rechain(originals, (r) => ({ eventId: r.event_id, position: Number(r.stream_position), actor: r.metadata.actor }))) {
      await stack.sql('dispatch', `UPDATE events SET prev_hash = $2, hash = $3 WHERE event_id = $1`, [r.event_id, r.prev_hash, r.hash]);
      await stack.sql('dispatch', `UPDATE streams SET last_hash = $2 WHERE stream_id = $1`, [summoned.stream_id, r.hash]);
    }
    const [copy] = await stack.sql<{ position: number }>('intake', `SELECT position FROM whistle_ledger WHERE whistle_id = $1 AND type = 'DepartmentsSummoned'`, [id]);
    await stack.sql('intake', `UPDATE whistle_ledger SET occurred_at = occurred_at - interval '1 hour' WHERE whistle_id = $1 AND position = $2`, [id, copy.position]);
    const ledgerRows = await stack.sql<Row & { event_id: string; position: number; actor: { role: string; org?: string | null; sub: string } }>('intake', `SELECT * FROM whistle_ledger WHERE whistle_id = $1 ORDER BY position`, [id]);
    for (const r of rechain(ledgerRows, (r) => ({ eventId: r.event_id, position: Number(r.position), actor: r.actor }))) {
      await stack.sql('intake', `UPDATE whistle_ledger SET prev_hash = $3, hash = $4 WHERE whistle_id = $1 AND position = $2`, [id, r.position, r.prev_hash, r.hash]);
    }
    const third = await audit();
    expect(third.out.schemas.find((s) => s.schema === 'dispatch')!.badCount).toBe(0);
    expect(third.out.ledger.bad.map((b) => b.streamId)).toEqual([edited]); // the rewritten whistle passes
    expect((await stack.http('GET', `/api/v1/whistles/${id}/events`, { token: streetToken })).json.chain).toEqual({ valid: true, length: 3 });
    const witnessed = await audit('--kafka');
    expect(witnessed.code).toBe(3);
    expect(witnessed.out.topic!.incomplete).toEqual([]);
    expect(witnessed.out.topic!.compared).toBeGreaterThanOrEqual(6);
    expect(witnessed.out.topic!.bad.map((b) => [b.streamId, b.firstBadPosition]).sort()).toEqual([[edited, 2], [id, copy.position]].sort());
  });
});

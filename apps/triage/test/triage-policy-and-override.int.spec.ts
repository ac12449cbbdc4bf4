import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import type { StoredEvent } from '@chuishao/event-store';
import type { WhistleBlownData } from '@chuishao/intake-contracts';
import { toEnvelope, type Envelope } from '@chuishao/messaging';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import type { TriageOverriddenData, WhistleTriagedData } from '@chuishao/triage-contracts';
import { DEFAULT_TRIAGE_POLICY } from '@chuishao/triage-domain';
import { triageService } from '../src/triage.service';

const street = defaultCatalog().streets[0];

/** Policy v2 of this test: households threshold 10 (not 50), faster YELLOW, BLUE completes in 4 days. */
const V2 = {
  sla: {
    RED: DEFAULT_TRIAGE_POLICY.sla.RED,
    YELLOW: { report: 'PT1H', arrive: 'PT12H', complete: 'PT48H' },
    BLUE: { report: 'PT12H', arrive: 'PT48H', complete: 'P4D' },
  },
  rules: { ...DEFAULT_TRIAGE_POLICY.rules, 'households-affected': { enabled: true, threshold: 10, steps: 1 } },
};

describe('triage in-process: versioned policy and overrides (real PostgreSQL and Kafka)', () => {
  let svc: ServiceUnderTest;
  let cc: string;
  let streetToken: string;
  let policyConsumer: Consumer;
  const policyMessages: Array<{ key: string | null; value: Envelope }> = [];

  const envelope = (type: string, whistleId: string, data: object, occurredAt: Date): Envelope => {
    const stored: StoredEvent = {
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      streamId: `whistle-${whistleId}`,
      streamPosition: 1,
      globalPosition: 1,
      data,
      metadata: { correlationId: randomUUID(), causationId: null, actor: { role: 'street', org: street.id, sub: 'street-tester' } },
      occurredAt,
      recordedAt: occurredAt,
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    };
    return toEnvelope(stored, 'intake', whistleId);
  };
  const produce = async (env: Envelope) => {
    await svc.messaging.producer.send({
      topic: svc.messaging.topic(TOPICS.whistleEvents),
      messages: [{ key: env.whistleId, value: JSON.stringify(env) }],
    });
  };
  const blow = async (at: Date, over: { situationCode?: string; households?: number | null; lat?: number | null; lng?: number | null; address?: string } = {}) => {
    const whistleId = randomUUID();
    const situation = defaultCatalog().situation(over.situationCode ?? 'STREET_VENDING')!;
    const data: WhistleBlownData = {
      whistleId,
      streetId: street.id,
      situationCode: situation.code,
      area: situation.area,
      title: '占道经营',
      description: '',
      location: {
        address: over.address ?? `绵阳道 ${whistleId.slice(0, 8)} 号`,
        normalisedAddress: over.address ?? `绵阳道${whistleId.slice(0, 8)}号`,
        communityId: null,
        lat: over.lat === undefined ? null : over.lat,
        lng: over.lng === undefined ? null : over.lng,
      },
      requestedDepartments: [],
      hints: { lifeSafety: false, householdsAffected: over.households ?? null },
      attachments: [],
      channel: 'api',
    };
    await produce(envelope('WhistleBlown', whistleId, data, at));
    return whistleId;
  };
  const triaged = (whistleId: string) =>
    eventually(async () => {
      const rows: Array<{ data: WhistleTriagedData }> = await svc.dataSource.query(
        `SELECT data FROM events WHERE stream_id = $1 AND type = 'WhistleTriaged'`,
        [`whistle-${whistleId}`],
      );
      return rows[0]?.data;
    });
  const eventCount = async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);

  beforeAll(async () => {
    svc = await startServiceForTest(triageService, { label: 'triage_policy' });
    cc = await svc.token('command-center', undefined, 'cc-duty-officer');
    streetToken = await svc.token('street', street.id);
    policyConsumer = svc.messaging.kafka.consumer({ groupId: `${svc.config.CHUISHAO_TOPIC_PREFIX}-policy-probe` });
    await policyConsumer.connect();
    await policyConsumer.subscribe({ topic: svc.messaging.topic(TOPICS.policyEvents), fromBeginning: true });
    await policyConsumer.run({
      eachMessage: async ({ message }) => {
        policyMessages.push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) });
      },
    });
  });
  afterAll(async () => {
    await policyConsumer?.disconnect();
    await svc?.stop();
  });

  describe('policy', () => {
    it('GET answers the built-in v1 to any authenticated role', async () => {
      const res = await svc.inject('GET', '/api/v1/policies/triage', { token: streetToken });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ...DEFAULT_TRIAGE_POLICY, publishedAt: null, publishedBy: null });
      expect((await svc.inject('GET', '/api/v1/policies/triage')).status).toBe(401);
    });

    it('refuses a street publishing a policy (403) and appends nothing', async () => {
      const res = await svc.inject('POST', '/api/v1/policies/triage', { token: streetToken, body: V2 });
      expect(res.status).toBe(403);
      expect(await eventCount()).toBe(0);
    });

    it('refuses an invalid policy with 422 and field errors, appending nothing', async () => {
      const bad = {
        sla: { ...V2.sla, RED: { report: 'PT30M', arrive: 'PT15M', complete: 'soon' } },
        rules: { ...V2.rules, 'weekend-boost': { enabled: true }, recurring: { ...V2.rules.recurring, radiusMeters: 0 } },
      };
      const res = await svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: bad });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        ['rules.recurring.radiusMeters', 'rules.weekend-boost', 'sla.RED.arrive', 'sla.RED.complete'].sort(),
      );
      const missing = await svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: { sla: V2.sla } });
      expect(missing.status).toBe(422);
      expect(missing.json.errors.map((e: { field: string }) => e.field)).toEqual(['rules']);
      const wrongType = await svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: { ...V2, version: 'two' } });
      expect(wrongType.status).toBe(400);
      expect(await eventCount()).toBe(0);
    });

    it('refuses a stated version other than current + 1 (409)', async () => {
      const res = await svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: { ...V2, version: 5 } });
      expect(res.status).toBe(409);
      expect(await eventCount()).toBe(0);
    });
  });

  describe('policy v2 applies to whistles blown after it, not before', () => {
    let v2PublishedAt: Date;
    let before: string;
    let afterRaised: string;
    let afterBlue: string;

    it('publishes v2 (admin or command center), on the policy topic keyed triage', async () => {
      const res = await svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: { ...V2, version: 2 } });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/api/v1/policies/triage/versions/2');
      expect(res.json).toMatchObject({ version: 2, sla: V2.sla, rules: V2.rules, publishedBy: { role: 'command-center', sub: 'cc-duty-officer' } });
      v2PublishedAt = new Date(res.json.publishedAt);
      const current = await svc.inject('GET', '/api/v1/policies/triage', { token: streetToken });
      expect(current.json).toEqual(res.json);
      const v1 = await svc.inject('GET', '/api/v1/policies/triage/versions/1', { token: streetToken });
      expect(v1.json.version).toBe(1);
      const list = await svc.inject('GET', '/api/v1/policies/triage/versions', { token: streetToken });
      expect(list.json.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      const msg = await eventually(async () => policyMessages.find((m) => m.value.type === 'TriagePolicyPublished'));
      expect(msg.key).toBe('triage');
      expect(msg.value).toMatchObject({ source: 'triage', streamId: 'policy-triage', whistleId: null, data: { version: 2, sla: V2.sla } });
    });

    it('two publications racing for v3: one 201, the other 409 (expected stream version), nothing lost', async () => {
      // Hold the policy stream's row lock so that both requests read v2 and then queue on the append.
      const blocker = svc.dataSource.createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      await blocker.query(`SELECT 1 FROM streams WHERE stream_id = 'policy-triage' FOR UPDATE`);
      const racing = Promise.all([
        svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: V2 }),
        svc.inject('POST', '/api/v1/policies/triage', { token: await svc.token('admin'), body: V2 }),
      ]);
      await eventually(async () => {
        const [{ n }] = await svc.dataSource.query(
          `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`,
        );
        return Number(n) >= 2;
      });
      await blocker.commitTransaction();
      await blocker.release();
      const [a, b] = await racing;
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      expect((a.status === 409 ? a : b).json.detail).toContain('concurrently');
      expect((await svc.inject('GET', '/api/v1/policies/triage', { token: cc })).json.version).toBe(3);
      const [{ n }] = await svc.dataSource.query(`SELECT count(*) AS n FROM events WHERE stream_id = 'policy-triage'`);
      expect(Number(n)).toBe(2);
    });

    it('a stated version that another publisher just took → 409', async () => {
      const res = await svc.inject('POST', '/api/v1/policies/triage', { token: cc, body: { ...V2, version: 3 } });
      expect(res.status).toBe(409);
      expect(res.json.errors).toEqual([{ field: 'version', message: 'must be 4' }]);
    });

    it('a whistle blown before v2 but consumed after keeps v1; those blown after get the new rules and SLA', async () => {
      before = await blow(new Date(v2PublishedAt.getTime() - 60_000), { households: 20 });
      afterRaised = await blow(new Date(v2PublishedAt.getTime() + 1), { households: 20 });
      afterBlue = await blow(new Date(), { households: 0 });

      const b = await triaged(before);
      expect(b).toMatchObject({ level: 'BLUE', policyVersion: 1, sla: DEFAULT_TRIAGE_POLICY.sla.BLUE });
      expect(b.rules.map((r) => r.id)).toEqual(['base']);

      const r = await triaged(afterRaised);
      expect(r).toMatchObject({ policyVersion: 2, level: 'YELLOW', sla: V2.sla.YELLOW });
      expect(r.rules.find((x) => x.id === 'households-affected')?.reason.zh).toBe('影响 20 户（≥ 10 户），提升一级');

      const c = await triaged(afterBlue);
      expect(c).toMatchObject({ level: 'BLUE', policyVersion: 3, sla: { complete: 'P4D' } });
    });

    describe('override', () => {
      const override = (id: string, token: string, body: unknown) => svc.inject('POST', `/api/v1/whistles/${id}/triage-override`, { token, body });
      const streamTypes = async (id: string) =>
        (await svc.dataSource.query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_position`, [`whistle-${id}`])).map((r: { type: string }) => r.type);

      it('without a reason → 422 and nothing appended', async () => {
        const n = await eventCount();
        for (const body of [{ level: 'RED' }, { level: 'RED', reason: '' }, { level: 'RED', reason: '  急 ' }, { level: 'PURPLE', reason: '理由充分' }]) {
          const res = await override(before, cc, body);
          expect(res.status).toBe(422);
          expect(res.json.errors[0].field).toBe((body as { level: string }).level === 'PURPLE' ? 'level' : 'reason');
        }
        expect(await eventCount()).toBe(n);
        expect(await streamTypes(before)).toEqual(['WhistleTriaged']);
      });

      it('by a street (or department, or admin) → 403', async () => {
        for (const token of [streetToken, await svc.token('department', randomUUID()), await svc.token('admin')]) {
          expect((await override(before, token, { level: 'RED', reason: '街道要求提级' })).status).toBe(403);
        }
        expect(await streamTypes(before)).toEqual(['WhistleTriaged']);
      });

      it('unknown whistle → 404; not a UUID → 400; the same level → 409', async () => {
        expect((await override(randomUUID(), cc, { level: 'RED', reason: '理由充分' })).status).toBe(404);
        expect((await override('not-a-uuid', cc, { level: 'RED', reason: '理由充分' })).status).toBe(400);
        const same = await override(before, cc, { level: 'BLUE', reason: '理由充分' });
        expect(same.status).toBe(409);
        expect(await streamTypes(before)).toEqual(['WhistleTriaged']);
      });

      it('happy path: TriageOverridden with the new level’s SLA under the whistle’s own policy version, on the whistle topic', async () => {
        const res = await override(before, cc, { level: 'RED', reason: '现场核实液化气罐泄漏，提级处置' });
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ whistleId: before, level: 'RED', from: 'BLUE', reason: '现场核实液化气罐泄漏，提级处置', policyVersion: 1 });
        const [row]: Array<{ data: TriageOverriddenData; stream_position: string; metadata: { actor: { role: string; sub: string } } }> = await svc.dataSource.query(
          `SELECT data, stream_position, metadata FROM events WHERE stream_id = $1 AND type = 'TriageOverridden'`,
          [`whistle-${before}`],
        );
        expect(row.data).toEqual({ whistleId: before, from: 'BLUE', to: 'RED', reason: '现场核实液化气罐泄漏，提级处置', policyVersion: 1, sla: DEFAULT_TRIAGE_POLICY.sla.RED });
        expect(Number(row.stream_position)).toBe(2);
        expect(row.metadata.actor).toMatchObject({ role: 'command-center', sub: 'cc-duty-officer' });
        // the outbox relay has put it on the whistle topic
        await eventually(async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM outbox`))[0].n) === 0);

        // v3 whistle to YELLOW: v3's YELLOW SLA (PT1H…), not v1's
        const v3 = await override(afterBlue, cc, { level: 'YELLOW', reason: '群众反映强烈' });
        expect(v3.status).toBe(200);
        const [o]: Array<{ data: TriageOverriddenData }> = await svc.dataSource.query(
          `SELECT data FROM events WHERE stream_id = $1 AND type = 'TriageOverridden'`,
          [`whistle-${afterBlue}`],
        );
        expect(o.data).toMatchObject({ from: 'BLUE', to: 'YELLOW', policyVersion: 3, sla: V2.sla.YELLOW });
      });

      it('a WITHDRAWN or RESOLVED whistle → 409', async () => {
        await produce(envelope('WhistleWithdrawn', afterRaised, { whistleId: afterRaised, reason: '重复上报' }, new Date()));
        const confirmed = await blow(new Date(), { households: 0 });
        await triaged(confirmed);
        await produce(envelope('WhistleConfirmed', confirmed, { whistleId: confirmed }, new Date()));
        await eventually(async () => Number((await svc.dataSource.query(`SELECT count(*) AS n FROM whistle_closures`))[0].n) === 2);
        const w = await override(afterRaised, cc, { level: 'RED', reason: '理由充分' });
        expect(w.status).toBe(409);
        expect(w.json.detail).toContain('WITHDRAWN');
        const c = await override(confirmed, cc, { level: 'RED', reason: '理由充分' });
        expect(c.status).toBe(409);
        expect(c.json.detail).toContain('RESOLVED');
        expect(await streamTypes(afterRaised)).toEqual(['WhistleTriaged']);
      });
    });
  });
});

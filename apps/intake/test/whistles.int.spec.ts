import { createHash, randomUUID } from 'node:crypto';
import { eventually, startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { chainHash } from '@chuishao/event-store';
import { intakeService } from '../src/intake.service';
import { blow, catalog, complete, countEvents, publishPolicyEvent, settled, summon, waitForView, whistleBody } from './intake-test-kit';

const streetA = catalog.streets[0];
const streetB = catalog.streets[1];

describe('intake whistles on real PostgreSQL and Kafka', () => {
  let svc: ServiceUnderTest;
  let a: string;
  let b: string;
  let center: string;

  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_whistles' });
    a = await svc.token('street', streetA.id);
    b = await svc.token('street', streetB.id);
    center = await svc.token('command-center');
  });
  afterAll(() => svc.stop());

  describe('POST /api/v1/whistles', () => {
    it('50 concurrent POSTs with one Idempotency-Key create exactly one whistle and one event', async () => {
      const before = await countEvents(svc);
      const key = randomUUID();
      const body = whistleBody(1);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => svc.inject('POST', '/api/v1/whistles', { token: a, headers: { 'idempotency-key': key }, body })),
      );
      const ids = new Set(answers.map((r) => r.json?.id));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
      // the one that blew it and every replay: 201 with the same id, one event (documented in docs/intake.md)
      expect(answers.filter((r) => r.status === 201)).toHaveLength(50);
      expect(answers.every((r) => r.headers['location'] === `/api/v1/whistles/${[...ids][0]}`)).toBe(true);
      expect(await countEvents(svc)).toBe(before + 1);
      const [{ n }] = await svc.dataSource.query(`SELECT count(*) AS n FROM whistle_view WHERE id = $1`, [[...ids][0]]);
      expect(Number(n)).toBe(1);
    });

    it('the same key with another body is a 409 and appends nothing', async () => {
      const key = randomUUID();
      await blow(svc, a, whistleBody(2), key);
      const before = await countEvents(svc);
      const res = await svc.inject('POST', '/api/v1/whistles', { token: a, headers: { 'idempotency-key': key }, body: whistleBody(3) });
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await countEvents(svc)).toBe(before);
    });

    it('the street is taken from the token: another street may reuse a key', async () => {
      const key = randomUUID();
      const mine = await blow(svc, a, whistleBody(4), key);
      const theirs = await blow(svc, b, whistleBody(4), key);
      expect(mine.streetId).toBe(streetA.id);
      expect(theirs.streetId).toBe(streetB.id);
      expect(theirs.id).not.toBe(mine.id);
      const withStreet = await svc.inject('POST', '/api/v1/whistles', { token: a, headers: { 'idempotency-key': randomUUID() }, body: { ...whistleBody(5), streetId: streetB.id } });
      expect(withStreet.status).toBe(400); // an undeclared field, never a way to pick the street
    });

    const refusals: Array<[string, number, () => { payload?: string; body?: unknown; headers?: Record<string, string> }, string | undefined]> = [
      ['malformed JSON', 400, () => ({ payload: '{"situationCode": "FIRE_LANE_BLOCKED", ', headers: { 'content-type': 'application/json' } }), undefined],
      ['a wrong type (title a number)', 400, () => ({ body: { ...whistleBody(), title: 42 } }), 'title'],
      ['a wrong type (location a string)', 400, () => ({ body: { ...whistleBody(), location: '福缘里' } }), 'location'],
      ['a wrong type (hints.householdsAffected a string)', 400, () => ({ body: { ...whistleBody(), hints: { householdsAffected: '80' } } }), 'hints.householdsAffected'],
      ['an unknown situation', 422, () => ({ body: { ...whistleBody(), situationCode: 'UFO_LANDING' } }), 'situationCode'],
      ['an over-long title (121 chars)', 422, () => ({ body: { ...whistleBody(), title: '哨'.repeat(121) } }), 'title'],
      ['an over-long description (4001 chars)', 422, () => ({ body: { ...whistleBody(), description: '述'.repeat(4001) } }), 'description'],
      ['a missing address', 422, () => ({ body: { ...whistleBody(), location: { lat: 39.1 } } }), 'location.address'],
      ['a 300 KiB body', 413, () => ({ body: { ...whistleBody(), description: 'x'.repeat(300 * 1024) } }), undefined],
      ['no Idempotency-Key', 400, () => ({ body: whistleBody(), headers: { 'idempotency-key': '' } }), 'Idempotency-Key'],
      ['an Idempotency-Key over 128 chars', 422, () => ({ body: whistleBody(), headers: { 'idempotency-key': 'k'.repeat(129) } }), 'Idempotency-Key'],
    ];
    it.each(refusals)('refuses %s with %d and appends nothing', async (_name, status, make, field) => {
      const before = await countEvents(svc);
      const [{ n: keysBefore }] = await svc.dataSource.query(`SELECT count(*) AS n FROM idempotency_keys`);
      const r = make();
      const res = await svc.inject('POST', '/api/v1/whistles', {
        token: a,
        headers: { 'idempotency-key': randomUUID(), ...(r.headers ?? {}) },
        ...(r.payload !== undefined ? { payload: r.payload } : { body: r.body }),
      });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json).toMatchObject({ status, type: expect.stringContaining('https://chuishao.dev/problems/') });
      if (field) expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countEvents(svc)).toBe(before);
      const [{ n: keysAfter }] = await svc.dataSource.query(`SELECT count(*) AS n FROM idempotency_keys`);
      expect(keysAfter).toBe(keysBefore);
    });

    it('only a street blows whistles', async () => {
      const res = await svc.inject('POST', '/api/v1/whistles', { token: center, headers: { 'idempotency-key': randomUUID() }, body: whistleBody() });
      expect(res.status).toBe(403);
    });
  });

  describe('scope', () => {
    it('street A gets 403 on street B’s whistle (GET, events, withdraw, confirm, reopen) and nothing is appended', async () => {
      const theirs = await blow(svc, b, whistleBody(6));
      const before = await countEvents(svc);
      expect((await svc.inject('GET', `/api/v1/whistles/${theirs.id}`, { token: a })).status).toBe(403);
      expect((await svc.inject('GET', `/api/v1/whistles/${theirs.id}/events`, { token: a })).status).toBe(403);
      expect((await svc.inject('POST', `/api/v1/whistles/${theirs.id}/withdraw`, { token: a, body: { reason: '误操作' } })).status).toBe(403);
      expect((await svc.inject('POST', `/api/v1/whistles/${theirs.id}/confirm`, { token: a, body: {} })).status).toBe(403);
      expect((await svc.inject('POST', `/api/v1/whistles/${theirs.id}/reopen`, { token: a, body: { reason: '未解决' } })).status).toBe(403);
      expect((await svc.inject('GET', `/api/v1/whistles/${theirs.id}`, { token: b })).status).toBe(200);
      expect((await svc.inject('GET', `/api/v1/whistles/${theirs.id}`, { token: center })).status).toBe(200);
      expect((await svc.inject('GET', `/api/v1/whistles/${randomUUID()}`, { token: a })).status).toBe(404);
      expect(await countEvents(svc)).toBe(before);
    });
  });

  describe('GET /api/v1/whistles (list)', () => {
    let listStreet: string;
    const street = catalog.streets[2];
    const mine: string[] = [];
    beforeAll(async () => {
      listStreet = await svc.token('street', street.id);
      for (let i = 0; i < 7; i += 1) mine.push((await blow(svc, listStreet, whistleBody(100 + i))).id);
    });

    it('pages newest first with an opaque cursor, and a street sees only its own', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/whistles?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await svc.inject('GET', url, { token: listStreet });
        expect(res.status).toBe(200);
        expect(res.json.items.length).toBeLessThanOrEqual(3);
        for (const item of res.json.items) expect(item.streetId).toBe(street.id);
        seen.push(...res.json.items.map((i: { id: string }) => i.id));
        cursor = res.json.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual([...mine].reverse());
    });

    it('filters by status, level and time; others see every street', async () => {
      const all = await svc.inject('GET', `/api/v1/whistles?streetId=${street.id}&limit=100`, { token: center });
      expect(all.json.items).toHaveLength(7);
      const everyone = await svc.inject('GET', `/api/v1/whistles?limit=100`, { token: center });
      expect(new Set(everyone.json.items.map((i: { streetId: string }) => i.streetId)).size).toBeGreaterThan(1);
      const blown = await svc.inject('GET', `/api/v1/whistles?status=BLOWN,WITHDRAWN&limit=100`, { token: listStreet });
      expect(blown.json.items).toHaveLength(7);
      const red = await svc.inject('GET', `/api/v1/whistles?level=RED`, { token: listStreet });
      expect(red.json).toEqual({ items: [], nextCursor: null });
      const future = await svc.inject('GET', `/api/v1/whistles?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: listStreet });
      expect(future.json.items).toHaveLength(0);
      const past = await svc.inject('GET', `/api/v1/whistles?to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=100`, { token: listStreet });
      expect(past.json.items).toHaveLength(7);
    });

    it('a department sees only the whistles it is assigned to', async () => {
      const { lead } = await summon(svc, mine[0]);
      const dept = await svc.token('department', lead);
      const res = await svc.inject('GET', `/api/v1/whistles?limit=100`, { token: dept });
      expect(res.status).toBe(200);
      expect(res.json.items.map((i: { id: string }) => i.id)).toEqual([mine[0]]);
      expect((await svc.inject('GET', `/api/v1/whistles?departmentId=${randomUUID()}`, { token: dept })).status).toBe(403);
      expect((await svc.inject('GET', `/api/v1/whistles/${mine[1]}`, { token: dept })).status).toBe(403);
    });

    it.each([
      ['limit=0', 422],
      ['limit=101', 422],
      ['limit=abc', 400],
      ['status=LOST', 422],
      ['level=PURPLE', 422],
      ['streetId=not-a-uuid', 422],
      ['from=yesterday', 422],
      [`from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`, 422],
      ['cursor=garbage!', 400],
      [`cursor=${Buffer.from('{"at":"x","id":"y"}').toString('base64url')}`, 400],
      ['unknown=1', 400],
    ])('refuses ?%s with %d', async (query, status) => {
      const res = await svc.inject('GET', `/api/v1/whistles?${query}`, { token: listStreet });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('a street asking for another street gets 403', async () => {
      expect((await svc.inject('GET', `/api/v1/whistles?streetId=${streetA.id}`, { token: listStreet })).status).toBe(403);
    });
  });

  describe('withdraw / confirm / reopen', () => {
    it('withdraws with a reason; a WITHDRAWN whistle cannot be withdrawn, confirmed or reopened', async () => {
      const w = await blow(svc, a, whistleBody(20));
      const before = await countEvents(svc);
      const noReason = await svc.inject('POST', `/api/v1/whistles/${w.id}/withdraw`, { token: a, body: {} });
      expect(noReason.status).toBe(422);
      expect(noReason.json.errors[0].field).toBe('reason');
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/withdraw`, { token: a, body: { reason: 7 } })).status).toBe(400);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/withdraw`, { token: a, body: { reason: '   ' } })).status).toBe(422);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a, body: {} })).status).toBe(409);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/reopen`, { token: a, body: { reason: '未解决' } })).status).toBe(409);
      expect(await countEvents(svc)).toBe(before);

      const ok = await svc.inject('POST', `/api/v1/whistles/${w.id}/withdraw`, { token: a, body: { reason: '经社区调解已解决' } });
      expect(ok.status).toBe(200);
      expect(ok.json.status).toBe('WITHDRAWN');
      // read-your-writes: the read model already says so
      expect((await svc.inject('GET', `/api/v1/whistles/${w.id}`, { token: a })).json.status).toBe('WITHDRAWN');
      expect(await countEvents(svc)).toBe(before + 1);

      const again = await svc.inject('POST', `/api/v1/whistles/${w.id}/withdraw`, { token: a, body: { reason: '再撤一次' } });
      expect(again.status).toBe(409);
      expect(again.json.detail).toContain('WITHDRAWN');
      expect(await countEvents(svc)).toBe(before + 1);

      // the projector's copy of WhistleWithdrawn only counts it: version = ledger length, status kept
      const view = await waitForView(svc, w.id, (v) => v.version === 2);
      expect(view.status).toBe('WITHDRAWN');
      const audit = await svc.inject('GET', `/api/v1/whistles/${w.id}/events`, { token: a });
      expect(audit.json.events.map((e: { type: string }) => e.type)).toEqual(['WhistleBlown', 'WhistleWithdrawn']);
      expect(audit.json.chain).toEqual({ valid: true, length: 2 });
      const [{ n }] = await svc.dataSource.query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`whistle-${w.id}`]);
      expect(Number(n)).toBe(2);
    });

    it('reopen and confirm only from COMPLETED; confirm hands out a one-time feedback link', async () => {
      const w = await blow(svc, a, whistleBody(21));
      const { leadId, lead, assistId, assist } = await summon(svc, w.id);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a, body: {} })).status).toBe(409);
      await complete(svc, w.id, assistId, assist);
      await complete(svc, w.id, leadId, lead);
      await waitForView(svc, w.id, (v) => v.status === 'COMPLETED');

      const other = await svc.token('street', streetB.id);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/reopen`, { token: other, body: { reason: '不是我们的' } })).status).toBe(403);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/reopen`, { token: a, body: {} })).status).toBe(422);
      const reopened = await svc.inject('POST', `/api/v1/whistles/${w.id}/reopen`, { token: a, body: { reason: '早餐车晚上又停回来了' } });
      expect(reopened.status).toBe(200);
      expect(reopened.json.status).toBe('REOPENED');
      expect(reopened.json.assignments.find((x: { id: string }) => x.id === leadId).status).toBe('IN_PROGRESS');
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a, body: {} })).status).toBe(409);

      await settled(svc, w.id);
      await complete(svc, w.id, leadId, lead);
      await waitForView(svc, w.id, (v) => v.status === 'COMPLETED');
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a, body: { note: 'x' } })).status).toBe(400);
      const confirmed = await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a });
      expect(confirmed.status).toBe(200);
      expect(confirmed.json.status).toBe('RESOLVED');
      expect(confirmed.json.feedback.link).toMatch(/^\/feedback\/[A-Za-z0-9_-]{43}$/);
      const expiresIn = Date.parse(confirmed.json.feedback.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(29.9 * 24 * 3600_000);
      expect(expiresIn).toBeLessThanOrEqual(30 * 24 * 3600_000);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/withdraw`, { token: a, body: { reason: '晚了' } })).status).toBe(409);
      expect((await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a, body: {} })).status).toBe(409);

      const mineView = await svc.inject('GET', `/api/v1/whistles/${w.id}`, { token: a });
      expect(mineView.json.feedback).toEqual(confirmed.json.feedback);
      const centerView = await svc.inject('GET', `/api/v1/whistles/${w.id}`, { token: center });
      expect(centerView.json.feedback).toBeNull();

      const final = await waitForView(svc, w.id, (v) => v.version === 8);
      expect(final.status).toBe('RESOLVED');
      const audit = await svc.inject('GET', `/api/v1/whistles/${w.id}/events`, { token: a });
      expect(audit.json.events.map((e: { type: string }) => e.type)).toEqual([
        'WhistleBlown',
        'DepartmentsSummoned',
        'DepartmentCompleted',
        'DepartmentCompleted',
        'WhistleReopened',
        'DepartmentCompleted',
        'WhistleConfirmed',
        'FeedbackRequested',
      ]);
      expect(audit.json.chain.valid).toBe(true);
    });
  });

  describe('GET /api/v1/whistles/{id}/events: the audit stream (contract §2)', () => {
    const audit = (id: string) => svc.inject('GET', `/api/v1/whistles/${id}/events`, { token: a });
    const own = (id: string) => `whistle-${id}`;
    async function summoned(n: number) {
      const w = await blow(svc, a, whistleBody(n));
      await summon(svc, w.id);
      await waitForView(svc, w.id, (v) => v.version === 2);
      expect((await audit(w.id)).json.chain).toEqual({ valid: true, length: 2 });
      return w.id as string;
    }

    it("reports an edit of intake's own stored event, although the ledger's copy is intact", async () => {
      const id = await summoned(40);
      await svc.dataSource.query(`UPDATE events SET data = jsonb_set(data, '{title}', '"改过的标题"') WHERE stream_id = $1 AND stream_position = 1`, [own(id)]);
      const r = await audit(id);
      expect(r.json.chain).toMatchObject({ valid: false, length: 2, firstBadPosition: 1 });
      expect(r.json.chain.reason).toContain('intake');
      expect(r.json.events[0].data.title).not.toBe('改过的标题'); // the ledger keeps the original
    });

    it('reports an edit that was re-hashed with its stream head: the original no longer matches its copy', async () => {
      const id = await summoned(41);
      const [row] = await svc.dataSource.query(`SELECT * FROM events WHERE stream_id = $1 AND stream_position = 1`, [own(id)]);
      const data = { ...row.data, title: '改过的标题' };
      const hash = chainHash(row.prev_hash, { eventId: row.event_id, type: row.type, position: 1, occurredAt: new Date(row.occurred_at).toISOString(), actor: row.metadata.actor, data });
      await svc.dataSource.query(`UPDATE events SET data = $2, hash = $3 WHERE event_id = $1`, [row.event_id, JSON.stringify(data), hash]);
      await svc.dataSource.query(`UPDATE streams SET last_hash = $2 WHERE stream_id = $1`, [own(id), hash]);
      const r = await audit(id);
      expect(r.json.chain).toMatchObject({ valid: false, firstBadPosition: 1 });
      expect(r.json.chain.reason).toContain('differs');
    });

    it("reports intake's own stored event deleted", async () => {
      const id = await summoned(42);
      await svc.dataSource.query(`DELETE FROM events WHERE stream_id = $1`, [own(id)]);
      expect((await audit(id)).json.chain).toMatchObject({ valid: false, firstBadPosition: 1 });
    });

    it("reports the ledger's last event deleted (the view counts the events it absorbed)", async () => {
      const id = await summoned(43);
      await svc.dataSource.query(`DELETE FROM whistle_ledger WHERE whistle_id = $1 AND position = 2`, [id]);
      const r = await audit(id);
      expect(r.json.events).toHaveLength(1);
      expect(r.json.chain).toMatchObject({ valid: false, length: 1, firstBadPosition: 2 });
    });
  });

  describe('feedback (contract §5)', () => {
    async function resolvedWhistle(n: number) {
      const w = await blow(svc, a, whistleBody(n));
      const { leadId, lead } = await summon(svc, w.id);
      await complete(svc, w.id, leadId, lead);
      await waitForView(svc, w.id, (v) => v.status === 'COMPLETED');
      const confirmed = await svc.inject('POST', `/api/v1/whistles/${w.id}/confirm`, { token: a, body: {} });
      expect(confirmed.status).toBe(200);
      return { id: w.id, link: confirmed.json.feedback.link as string, token: (confirmed.json.feedback.link as string).split('/').pop()! };
    }

    it('link → summary without personal data → rating once → 409; only the token hash is stored', async () => {
      const { id, token } = await resolvedWhistle(30);
      const summary = await svc.inject('GET', `/api/v1/feedback/${token}`);
      expect(summary.status).toBe(200);
      expect(summary.json).toMatchObject({
        situation: { code: 'FIRE_LANE_BLOCKED', name: catalog.situation('FIRE_LANE_BLOCKED')!.name },
        street: { id: streetA.id, name: streetA.name },
        status: 'RESOLVED',
        feedback: { status: 'REQUESTED' },
      });
      const text = JSON.stringify(summary.json);
      for (const personal of ['description', 'address', 'attachments', 'title', '福缘里', 'sub']) expect(text).not.toContain(personal);

      const before = await countEvents(svc);
      expect((await svc.inject('POST', `/api/v1/feedback/${token}`, { body: { rating: 'SUPERB' } })).status).toBe(422);
      expect((await svc.inject('POST', `/api/v1/feedback/${token}`, { body: { rating: 5 } })).status).toBe(400);
      expect(await countEvents(svc)).toBe(before);
      const given = await svc.inject('POST', `/api/v1/feedback/${token}`, { body: { rating: 'BASICALLY_SATISFIED', comment: '处理及时，态度很好' } });
      expect(given.status).toBe(201);
      expect(given.json.feedback).toMatchObject({ status: 'GIVEN', rating: 'BASICALLY_SATISFIED', score: 80 });
      const second = await svc.inject('POST', `/api/v1/feedback/${token}`, { body: { rating: 'SATISFIED' } });
      expect(second.status).toBe(409);
      expect(await countEvents(svc)).toBe(before + 1);

      const [event] = await svc.dataSource.query(`SELECT data, metadata FROM events WHERE stream_id = $1 AND type = 'FeedbackGiven'`, [`whistle-${id}`]);
      expect(event.data).toEqual({ whistleId: id, rating: 'BASICALLY_SATISFIED', score: 80, comment: '处理及时，态度很好' });
      expect(event.metadata.actor).toEqual({ role: 'resident', org: null, sub: 'feedback-link' });

      const hash = createHash('sha256').update(token).digest('hex');
      const rows = await svc.dataSource.query(`SELECT token_hash, used_at FROM feedback_tokens WHERE whistle_id = $1`, [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(hash);
      expect(rows[0].used_at).not.toBeNull();
      const [requested] = await svc.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'FeedbackRequested'`, [`whistle-${id}`]);
      expect(requested.data.tokenHash).toBe(hash);
      // the token itself is nowhere in the database
      const [{ n }] = await svc.dataSource.query(
        `SELECT (SELECT count(*) FROM events WHERE data::text LIKE $1) + (SELECT count(*) FROM whistle_view WHERE doc::text LIKE $1)
              + (SELECT count(*) FROM whistle_ledger WHERE data::text LIKE $1) + (SELECT count(*) FROM outbox WHERE value LIKE $1) AS n`,
        [`%${token}%`],
      );
      expect(Number(n)).toBe(0);

      const view = await svc.inject('GET', `/api/v1/whistles/${id}`, { token: a });
      expect(view.json.feedback).toEqual({ status: 'GIVEN', rating: 'BASICALLY_SATISFIED', score: 80 });
      const after = await svc.inject('GET', `/api/v1/feedback/${token}`);
      expect(after.status).toBe(200);
      expect(after.json.feedback).toMatchObject({ status: 'GIVEN', rating: 'BASICALLY_SATISFIED' });
      await waitForView(svc, id, (v) => (v as unknown as { localEventIds?: string[] }).localEventIds?.length === 0);
    });

    it('an unknown link is 404, an expired one 410, both append nothing', async () => {
      const { token } = await resolvedWhistle(31);
      expect((await svc.inject('GET', `/api/v1/feedback/${'x'.repeat(43)}`)).status).toBe(404);
      expect((await svc.inject('POST', `/api/v1/feedback/${'x'.repeat(43)}`, { body: { rating: 'SATISFIED' } })).status).toBe(404);
      await svc.dataSource.query(`UPDATE feedback_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
        createHash('sha256').update(token).digest('hex'),
      ]);
      const before = await countEvents(svc);
      expect((await svc.inject('GET', `/api/v1/feedback/${token}`)).status).toBe(410);
      const late = await svc.inject('POST', `/api/v1/feedback/${token}`, { body: { rating: 'SATISFIED' } });
      expect(late.status).toBe(410);
      expect(late.headers['content-type']).toContain('application/problem+json');
      expect(await countEvents(svc)).toBe(before);
    });
  });

  describe('catalog and board', () => {
    it('GET /api/v1/catalog: 5 areas, 43 situations, departments, 6 streets, levels with the v1 SLA', async () => {
      const dept = await svc.token('department', catalog.departments[0].id);
      const res = await svc.inject('GET', '/api/v1/catalog', { token: dept });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json)).toEqual(['areas', 'situations', 'departments', 'streets', 'levels']);
      expect(res.json.areas.map((x: { code: string }) => x.code)).toEqual(['CONFLICT_SCREENING', 'PUBLIC_SERVICE', 'JOINT_ENFORCEMENT', 'KEY_WORK', 'EMERGENCY']);
      expect(res.json.situations).toHaveLength(43);
      expect(Object.keys(res.json.situations[0])).toEqual(['code', 'area', 'name', 'nameEn', 'defaultLevel', 'leadDepartment', 'assistDepartments']);
      expect(Object.keys(res.json.departments[0])).toEqual(['id', 'name', 'nameEn']);
      expect(res.json.streets.map((s: { name: string }) => s.name)).toEqual(catalog.streets.map((s) => s.name));
      expect(Object.keys(res.json.streets[0].communities[0])).toEqual(['id', 'name']);
      expect(res.json.levels).toEqual([
        { code: 'RED', name: '红色', nameEn: 'Red', sla: { report: 'PT15M', arrive: 'PT30M', complete: 'PT24H' }, policyVersion: 1 },
        { code: 'YELLOW', name: '黄色', nameEn: 'Yellow', sla: { report: 'PT2H', arrive: 'PT24H', complete: 'PT72H' }, policyVersion: 1 },
        { code: 'BLUE', name: '蓝色', nameEn: 'Blue', sla: { report: 'PT24H', arrive: 'PT72H', complete: 'P7D' }, policyVersion: 1 },
      ]);
      expect((await svc.inject('GET', '/api/v1/catalog')).status).toBe(401);
    });

    it('shows the SLA of the latest TriagePolicyPublished it consumed', async () => {
      const sla = {
        RED: { report: 'PT10M', arrive: 'PT20M', complete: 'PT12H' },
        YELLOW: { report: 'PT1H', arrive: 'PT12H', complete: 'PT48H' },
        BLUE: { report: 'PT12H', arrive: 'PT48H', complete: 'P5D' },
      };
      await publishPolicyEvent(svc, 'TriagePolicyPublished', { version: 2, sla, rules: {} });
      await publishPolicyEvent(svc, 'TriagePolicyPublished', { version: 3, sla: { RED: 'soon' }, rules: {} }); // rejected, not applied
      const levels = await eventually(async () => {
        const res = await svc.inject('GET', '/api/v1/catalog', { token: a });
        return res.json.levels[0].policyVersion === 2 ? res.json.levels : undefined;
      });
      expect(levels[2]).toEqual({ code: 'BLUE', name: '蓝色', nameEn: 'Blue', sla: sla.BLUE, policyVersion: 2 });
    });

    it('GET /api/v1/board: counts and the nearest deadlines for the command center only', async () => {
      expect((await svc.inject('GET', '/api/v1/board', { token: a })).status).toBe(403);
      const res = await svc.inject('GET', '/api/v1/board', { token: center });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json.counts.byLevel)).toEqual(['RED', 'YELLOW', 'BLUE']);
      expect(res.json.counts.byStatus.WITHDRAWN).toBeGreaterThanOrEqual(1);
      expect(res.json.counts.byStatus.RESOLVED).toBeGreaterThanOrEqual(1);
      expect(res.json.counts.overdue).toBe(0);
      expect(res.json.nearest.length).toBeGreaterThanOrEqual(1);
      expect(res.json.nearest.length).toBeLessThanOrEqual(20);
      const deadlines = res.json.nearest.map((x: { nextDeadline: string }) => x.nextDeadline);
      expect([...deadlines].sort()).toEqual(deadlines);
      expect(res.json.nearest[0]).toMatchObject({ whistleId: expect.any(String), title: expect.any(String), streetId: expect.any(String), kind: 'REPORT', overdue: false });
      expect(Date.parse(res.json.generatedAt)).not.toBeNaN();
    });
  });
});

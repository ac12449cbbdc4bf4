import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '@chuishao/catalog';
import { TOPICS } from '@chuishao/contracts';
import type { ConsumerService, TestStack } from './harness';

/**
 * Issue #28's scale-out proof (docs/scaling.md): two instances of each consumer service against one
 * Kafka and one PostgreSQL, whistles sent to both intakes, one instance of each SIGKILLed mid-run.
 * Phase A blows whistles at recurring sites in rounds while both triage instances share their group
 * (each round triaged before the next is blown, so each count has one right answer); phase B blows
 * the load, a quarter of it RED with a report deadline of PT3S, so both dispatch schedulers judge
 * deadlines before the kill and the survivor after it. Then every check is counted in the stores.
 */
export interface ScaleOutOptions {
  whistles: number;
  /** Whistles a second in phase B. */
  rate: number;
  /** Recurring sites of phase A (three whistles each). */
  sites: number;
  log: (line: string) => void;
}

export interface ScaleOutCheck {
  check: string;
  expected: number;
  found: number;
}

export interface ScaleOutResult {
  accepted: number;
  seconds: number;
  /** Whistles a second over phase B, from the first POST to the last whistle summoned. */
  throughput: number;
  killedAt: number;
  rows: ScaleOutCheck[];
}

const CONSUMERS: ConsumerService[] = ['intake', 'triage', 'dispatch', 'assessment'];
/** The instances SIGKILLed mid-run: intake's second (the client goes on through the gateway), the first of the others. */
const VICTIMS = ['intake-2', 'triage', 'dispatch', 'assessment'];
const SURVIVORS = ['triage-2', 'dispatch-2', 'assessment-2', 'intake'];
const street = defaultCatalog().streets[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sum of the samples of `name` whose labels include every one given. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function bulkBody(n: number) {
  const red = n % 4 === 0;
  // a grid of 0.003° (≥ 250 m here): no two bulk whistles are neighbours, so no recurring count
  return {
    situationCode: red ? 'GAS_LEAK' : 'ILLEGAL_PARKING',
    title: `扩容测试 ${n}`,
    description: '两实例分担负载的系统测试。',
    location: { address: `和平区小白楼街道扩容路 ${n} 号`, lat: 39.0 + (n % 100) * 0.003, lng: 117.0 + Math.floor(n / 100) * 0.003 },
  };
}

function siteBody(site: number, round: number) {
  return {
    situationCode: 'NOISE_NUISANCE',
    title: `反复噪声 ${site}-${round}`,
    description: '同一地点反复发生的噪声扰民。',
    location: { address: `和平区小白楼街道回声里 ${site} 号`, lat: 39.6 + site * 0.01, lng: 117.6 },
  };
}

export async function runScaleOut(stack: TestStack, o: ScaleOutOptions): Promise<ScaleOutResult> {
  const cc = await stack.token('command-center');
  const token = await stack.token('street', street.id);
  const whistleTopic = stack.env.CHUISHAO_TOPIC_PREFIX ? `${stack.env.CHUISHAO_TOPIC_PREFIX}.${TOPICS.whistleEvents}` : TOPICS.whistleEvents;
  const group = (service: string) => `${stack.env.CHUISHAO_TOPIC_PREFIX}.chuishao-${service}-events`;
  const partitions = Number(stack.env.KAFKA_PARTITIONS);

  // RED: report within 3 s (nobody reports: every RED assignment misses it once); one earlier whistle is a recurrence
  const current = await stack.http('GET', '/api/v1/policies/triage', { token: cc });
  const sla = { ...current.json.sla, RED: { report: 'PT3S', arrive: 'PT1H', complete: 'PT2H' } };
  const rules = { ...current.json.rules, recurring: { ...current.json.rules.recurring, minEarlier: 1 } };
  const published = await stack.http('POST', '/api/v1/policies/triage', { token: cc, body: { sla, rules } });
  if (published.status !== 201) throw new Error(`policy not published: ${published.status} ${published.text}`);

  await Promise.all(CONSUMERS.map((s) => stack.startInstance(s, 2)));
  await untilBalanced(stack, ['triage', 'dispatch', 'assessment', 'intake'], group, whistleTopic, partitions);
  o.log(`two instances of ${CONSUMERS.join(', ')}; ${partitions} partitions of ${whistleTopic} shared`);

  const post = async (body: object, via: 'gateway' | 'intake-2'): Promise<string> => {
    const key = randomUUID();
    for (let attempt = 0, target = via; attempt < 200; attempt++, target = 'gateway') {
      const base = target === 'gateway' ? stack.base : `http://127.0.0.1:${stack.instance('intake-2').port}`;
      try {
        const res = await fetch(`${base}/api/v1/whistles`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        if (res.status === 201 || res.status === 200) return ((await res.json()) as { id: string }).id;
      } catch {
        // that instance is gone: the client tries again, through the gateway, with the same key
      }
      await sleep(250);
    }
    throw new Error('whistle never accepted');
  };

  // phase A: recurring sites, both triage instances in the group, each round triaged before the next
  const triageBefore = await Promise.all(['triage', 'triage-2'].map((t) => stack.metrics(t)));
  const siteIds: string[][] = [];
  for (let round = 0; round < 3; round++) {
    const ids = await Promise.all(Array.from({ length: o.sites }, (_, s) => post(siteBody(s, round), s % 2 ? 'intake-2' : 'gateway')));
    ids.forEach((id, s) => (siteIds[s] ??= []).push(id));
    await untilCount(stack, 'triage', `SELECT count(*) AS n FROM events WHERE type = 'WhistleTriaged' AND stream_id = ANY($1)`, [ids.map((i) => `whistle-${i}`)], ids.length);
  }
  const triageAfterA = await Promise.all(['triage', 'triage-2'].map((t) => stack.metrics(t)));

  // phase B: the load, SIGKILLs half-way
  const t0 = Date.now();
  const accepted: string[] = []; // by the whistle's number: bulkBody(n) is RED when n % 4 = 0
  const posts: Array<Promise<void>> = [];
  let killedAt = 0;
  let judgedBeforeKill: number[] = [];
  const killing = (async () => {
    await sleep((o.whistles / o.rate / 2) * 1000);
    judgedBeforeKill = await Promise.all(['dispatch', 'dispatch-2'].map(async (d) => metric(await stack.metrics(d), 'chuishao_dispatch_deadlines_judged_total')));
    killedAt = (Date.now() - t0) / 1000;
    o.log(`${killedAt.toFixed(1)} s: SIGKILL ${VICTIMS.join(', ')}`);
    await Promise.all(VICTIMS.map((v) => stack.killInstance(v, 'SIGKILL')));
  })();
  const joinsBefore = await Promise.all(SURVIVORS.map(async (s) => metric(await stack.metrics(s), 'chuishao_consumer_group_joins_total', { group: group(s.replace(/-2$/, '')) })));
  for (let i = 0; i < o.whistles; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / o.rate - Date.now()));
    posts.push(post(bulkBody(i), i % 2 ? 'intake-2' : 'gateway').then((id) => void (accepted[i] = id)));
  }
  await Promise.all(posts);
  await killing;
  o.log(`${accepted.length} whistles accepted in ${((Date.now() - t0) / 1000).toFixed(1)} s; reconciling`);
  const all = [...accepted, ...siteIds.flat()];
  const red = accepted.filter((_, i) => i % 4 === 0);
  await untilCount(stack, 'dispatch', `SELECT count(*) AS n FROM events WHERE type = 'DepartmentsSummoned' AND stream_id = ANY($1)`, [all.map((i) => `whistle-${i}`)], all.length, 300_000);
  const seconds = (Date.now() - t0) / 1000;
  // let the last deadlines fall due and be judged
  await untilCount(stack, 'dispatch', `SELECT count(*) AS n FROM deadlines WHERE kind = 'REPORT' AND state = 'PENDING' AND whistle_id = ANY($1)`, [red], 0, 120_000);
  await sleep(3000);

  const rows = [
    ...(await storeChecks(stack, all, red)),
    ...recurringChecks(await siteCounts(stack, siteIds)),
    ...triageChecks(triageBefore, triageAfterA),
    { check: 'dispatch instances that judged deadlines before the kill (two schedulers)', expected: 2, found: judgedBeforeKill.filter((n) => n > 0).length },
    ...(await rebalanceChecks(stack, joinsBefore, group, whistleTopic, partitions)),
  ];
  return { accepted: all.length, seconds, throughput: accepted.length / seconds, killedAt, rows };
}

async function untilBalanced(stack: TestStack, services: string[], group: (s: string) => string, topic: string, partitions: number): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const shares = await Promise.all(
      services.flatMap((s) => [s, `${s}-2`]).map(async (i) => metric(await stack.metrics(i), 'chuishao_consumer_assigned_partitions', { group: group(i.replace(/-2$/, '')), topic })),
    );
    const balanced = services.every((_, k) => shares[2 * k] > 0 && shares[2 * k + 1] > 0 && shares[2 * k] + shares[2 * k + 1] === partitions);
    if (balanced) return;
    if (Date.now() > until) throw new Error(`groups not balanced: ${shares.join(', ')}`);
    await sleep(500);
  }
}

async function untilCount(stack: TestStack, schema: string, sql: string, params: unknown[], expected: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Number((await stack.sql<{ n: string }>(schema, sql, params))[0].n) !== expected) {
    if (Date.now() > until) return; // the checks below report what was found
    await sleep(500);
  }
}

async function storeChecks(stack: TestStack, ids: string[], red: string[]): Promise<ScaleOutCheck[]> {
  const streams = ids.map((i) => `whistle-${i}`);
  const count = async (schema: string, sql: string, params: unknown[]) => Number((await stack.sql<{ n: string }>(schema, sql, params))[0].n);
  const n = ids.length;
  // the events of a type among the whistles, if each `key` has one; minus their number otherwise
  const once = (schema: string, type: string, key: string) =>
    count(schema, `SELECT CASE WHEN count(*) = count(DISTINCT ${key}) THEN count(*) ELSE -count(*) END AS n FROM events WHERE type = $2 AND stream_id = ANY($1)`, [streams, type]);
  const redAssignments = await count('dispatch', `SELECT count(*) AS n FROM deadlines WHERE kind = 'REPORT' AND whistle_id = ANY($1)`, [red]);
  return [
    { check: 'whistles accepted (WhistleBlown in intake)', expected: n, found: await count('intake', `SELECT count(*) AS n FROM events WHERE type = 'WhistleBlown' AND stream_id = ANY($1)`, [streams]) },
    { check: 'WhistleTriaged (n events, n whistles: once each)', expected: n, found: await once('triage', 'WhistleTriaged', `stream_id`) },
    { check: 'DepartmentsSummoned (n events, n whistles: dispatched exactly once)', expected: n, found: await once('dispatch', 'DepartmentsSummoned', `stream_id`) },
    {
      check: "intake's ledgers: WhistleBlown, WhistleTriaged, DepartmentsSummoned once each, in order",
      expected: n,
      found: await count(
        'intake',
        `SELECT count(*) AS n FROM (SELECT string_agg(type, ',' ORDER BY position) FILTER (WHERE type IN ('WhistleBlown', 'WhistleTriaged', 'DepartmentsSummoned')) AS t FROM whistle_ledger WHERE whistle_id = ANY($1) GROUP BY whistle_id) l WHERE t = 'WhistleBlown,WhistleTriaged,DepartmentsSummoned'`,
        [ids],
      ),
    },
    { check: 'RED report deadlines (one per RED assignment, all due in the run)', expected: red.length * 3, found: redAssignments },
    { check: 'RED report deadlines judged MISSED', expected: redAssignments, found: await count('dispatch', `SELECT count(*) AS n FROM deadlines WHERE kind = 'REPORT' AND state = 'MISSED' AND whistle_id = ANY($1)`, [red]) },
    { check: 'DeadlineMissed events (exactly once per assignment and kind)', expected: redAssignments, found: await once('dispatch', 'DeadlineMissed', `(data->>'assignmentId') || '/' || (data->>'kind')`) },
    { check: 'WhistleEscalated events (one per first miss)', expected: redAssignments, found: await count('dispatch', `SELECT count(*) AS n FROM events WHERE type = 'WhistleEscalated' AND stream_id = ANY($1)`, [streams]) },
    { check: 'deadlines missed that had not fallen due (non-RED whistles)', expected: 0, found: await count('dispatch', `SELECT count(*) AS n FROM deadlines WHERE state = 'MISSED' AND whistle_id = ANY($1) AND NOT whistle_id = ANY($2)`, [ids, red]) },
    { check: 'assessment: whistles with assignment facts', expected: n, found: await count('assessment', `SELECT count(DISTINCT whistle_id) AS n FROM assignment_facts WHERE whistle_id = ANY($1)`, [ids]) },
    ...(await Promise.all(CONSUMERS.map(async (s) => ({ check: `${s}: messages parked`, expected: 0, found: await count(s, `SELECT count(*) AS n FROM parked`, []) })))),
  ];
}

/** Each recurring site's whistles in round order, with the count triage recorded for each (0 when no recurring rule applied). */
async function siteCounts(stack: TestStack, siteIds: string[][]): Promise<number[][]> {
  const rows = await stack.sql<{ stream_id: string; data: { rules: Array<{ id: string; reason: { en: string } }> } }>(
    'triage',
    `SELECT stream_id, data FROM events WHERE type = 'WhistleTriaged' AND stream_id = ANY($1)`,
    [siteIds.flat().map((i) => `whistle-${i}`)],
  );
  const counted = new Map(rows.map((r) => [r.stream_id, Number(/^(\d+) earlier/.exec(r.data.rules.find((x) => x.id === 'recurring')?.reason.en ?? '')?.[1] ?? 0)]));
  return siteIds.map((ids) => ids.map((i) => counted.get(`whistle-${i}`) ?? -1));
}

function recurringChecks(counts: number[][]): ScaleOutCheck[] {
  return [0, 1, 2].map((round) => ({
    check: `recurring sites, round ${round + 1}: whistles counted with ${round} earlier (two triage instances, one group)`,
    expected: counts.length,
    found: counts.filter((c) => c[round] === round).length,
  }));
}

function triageChecks(before: string[], after: string[]): ScaleOutCheck[] {
  const delta = (k: number, source: string) => metric(after[k], 'chuishao_triage_recurring_counts_total', { source }) - metric(before[k], 'chuishao_triage_recurring_counts_total', { source });
  return [
    { check: 'triage instances that counted recurring sites in the database while sharing the group', expected: 2, found: [0, 1].filter((k) => delta(k, 'database') > 0).length },
    { check: 'recurring counts made in memory while sharing the group (ADR 0017)', expected: 0, found: delta(0, 'memory') + delta(1, 'memory') },
  ];
}

async function rebalanceChecks(stack: TestStack, joinsBefore: number[], group: (s: string) => string, topic: string, partitions: number): Promise<ScaleOutCheck[]> {
  return Promise.all(
    SURVIVORS.map(async (s, k) => {
      const text = await stack.metrics(s);
      const joined = metric(text, 'chuishao_consumer_group_joins_total', { group: group(s.replace(/-2$/, '')) }) > joinsBefore[k] ? 1 : 0;
      const owned = metric(text, 'chuishao_consumer_assigned_partitions', { group: group(s.replace(/-2$/, '')), topic });
      return { check: `${s} rejoined after the kill and owns every partition of the whistle topic (metrics)`, expected: partitions, found: joined ? owned : -owned };
    }),
  );
}

/** The checks as a table for the terminal and docs/scaling.md. */
export function scaleOutTable(r: ScaleOutResult): string {
  return [
    `${r.accepted} whistles accepted; load ${r.seconds.toFixed(1)} s to the last summons (${r.throughput.toFixed(0)}/s); SIGKILLs at ${r.killedAt.toFixed(1)} s`,
    '',
    '| check | expected | found |',
    '|---|---|---|',
    ...r.rows.map((x) => `| ${x.check} | ${x.expected} | ${x.found}${x.found === x.expected ? '' : ' ✘'} |`),
  ].join('\n');
}

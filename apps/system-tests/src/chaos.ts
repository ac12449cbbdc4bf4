import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '@chuishao/catalog';
import type { ServiceName, TestStack } from './harness';

/**
 * The chaos run of issue #23 (docs/reliability.md): whistles at a steady rate while each service
 * is SIGKILLed in turn and started again, and PostgreSQL and Kafka are restarted; the street's
 * client retries a refused POST with the same Idempotency-Key, as a real client does. Then every
 * accepted whistle is reconciled by count in each service's own store.
 */
export interface ChaosOptions {
  seconds: number;
  /** Whistles a second. */
  rate: number;
  /** Restart PostgreSQL (needs the Debian cluster tools and root; skipped otherwise). */
  restartPostgres: boolean;
  /** Restart Kafka (needs the project's local runner to own the broker; skipped otherwise). */
  restartKafka: boolean;
  log: (line: string) => void;
}

export interface Reconciliation {
  accepted: number;
  /** POSTs answered otherwise than 200/201 (retried) and connection errors (retried). */
  refusedThenRetried: number;
  faults: string[];
  rows: Array<{ service: string; check: string; expected: number; found: number }>;
}

const KAFKA_SH = join(__dirname, '../../../deploy/kafka/kafka.sh');
const street = defaultCatalog().streets[2];

function body(n: number) {
  return {
    situationCode: 'STREET_VENDING',
    title: `混沌测试占道经营 ${n}`,
    description: '商贩占路摆卖，自行车难以通行。',
    location: { address: `和平区五大道街道成都道 ${n} 号`, lat: 39.1 + (n % 97) * 0.002, lng: 117.18 + Math.floor(n / 97) * 0.002 },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = (cmd: string, args: string[]) => new Promise<void>((resolve) => execFile(cmd, args, () => resolve()));

/** The Debian cluster of the local PostgreSQL, if this machine has one we may restart. */
function postgresCluster(): string | undefined {
  if (!existsSync('/etc/postgresql') || spawnSync('pg_ctlcluster', ['--help'], { stdio: 'ignore' }).error) return undefined;
  return readdirSync('/etc/postgresql')[0];
}

export async function runChaos(stack: TestStack, o: ChaosOptions): Promise<Reconciliation> {
  const token = await stack.token('street', street.id);
  const total = Math.round(o.seconds * o.rate);
  const accepted = new Set<string>();
  let refused = 0;
  const faults: string[] = [];
  const cluster = o.restartPostgres ? postgresCluster() : undefined;
  const kafkaOwned = o.restartKafka && spawnSync('bash', [KAFKA_SH, 'status'], { stdio: 'ignore' }).status === 0;

  const t0 = Date.now();
  const at = (fraction: number) => t0 + fraction * o.seconds * 1000;
  const killAndRestart = (name: ServiceName) => async () => {
    await stack.kill(name, 'SIGKILL');
    await sleep(1000);
    await stack.startOne(name);
  };
  type Fault = [number, string, () => Promise<void>];
  const schedule: Fault[] = [
    [0.1, 'SIGKILL intake', killAndRestart('intake')],
    [0.25, 'SIGKILL triage', killAndRestart('triage')],
    [0.4, 'SIGKILL dispatch', killAndRestart('dispatch')],
    [0.55, 'SIGKILL assessment', killAndRestart('assessment')],
    ...(cluster ? [[0.7, `restart PostgreSQL ${cluster}`, () => run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'restart'])] as Fault] : []),
    ...(kafkaOwned ? [[0.85, 'restart Kafka', () => run('bash', [KAFKA_SH, 'restart'])] as Fault] : []),
  ];
  const faultsDone = (async () => {
    for (const [fraction, name, fault] of schedule) {
      await sleep(Math.max(0, at(fraction) - Date.now()));
      const started = Date.now();
      o.log(`${((started - t0) / 1000).toFixed(1)} s: ${name}`);
      await fault();
      faults.push(`${name} at ${((started - t0) / 1000).toFixed(1)} s (back in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  })();

  // one whistle every 1/rate s; each retried with its own key until accepted (≤ 3 minutes)
  const posts: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / o.rate - Date.now()));
    const key = `chaos-${i}-${randomUUID()}`;
    posts.push(
      (async () => {
        for (let wait = 200; Date.now() - t0 < o.seconds * 1000 + 180_000; wait = Math.min(wait * 2, 3000)) {
          try {
            const r = await stack.http('POST', '/api/v1/whistles', { token, headers: { 'idempotency-key': key }, body: body(i) });
            if (r.status === 201 || r.status === 200) {
              accepted.add(r.json.id as string);
              return;
            }
          } catch {
            // the gateway or intake is down: the client tries again
          }
          refused++;
          await sleep(wait);
        }
        throw new Error(`whistle ${i} never accepted`);
      })(),
    );
  }
  await Promise.all(posts);
  await faultsDone;
  o.log(`${accepted.size} whistles accepted in ${((Date.now() - t0) / 1000).toFixed(1)} s (${refused} refusals retried); reconciling`);
  return { accepted: accepted.size, refusedThenRetried: refused, faults, rows: await reconcile(stack, [...accepted]) };
}

/**
 * Counts in each service's store, again every second until every count is as expected or 5 minutes
 * have passed (a service started again catches up from its committed offsets).
 */
async function reconcile(stack: TestStack, ids: string[]): Promise<Reconciliation['rows']> {
  const until = Date.now() + 300_000;
  for (;;) {
    const rows = await counts(stack, ids).catch(() => undefined);
    if (rows && (rows.every((r) => r.found === r.expected) || Date.now() > until)) return rows;
    await sleep(1000);
  }
}

async function counts(stack: TestStack, ids: string[]): Promise<Reconciliation['rows']> {
  const list = `'{${ids.join(',')}}'::uuid[]`;
  const streams = `ARRAY(SELECT 'whistle-' || x FROM unnest(${list}) x)`;
  const count = async (schema: string, sql: string) => Number((await stack.sql<{ n: string }>(schema, sql))[0].n);
  const events = (schema: string, types: string) => count(schema, `SELECT count(*) AS n FROM events WHERE type IN (${types}) AND stream_id = ANY(${streams})`);
  const n = ids.length;
  return [
    { service: 'intake', check: 'WhistleBlown in its store', expected: n, found: await events('intake', `'WhistleBlown'`) },
    { service: 'intake', check: 'whistles DISPATCHED in the read model', expected: n, found: await count('intake', `SELECT count(*) AS n FROM whistle_view WHERE status = 'DISPATCHED' AND id = ANY(${list})`) },
    {
      service: 'intake',
      check: 'ledgers WhistleBlown, WhistleTriaged, DepartmentsSummoned once each, in order',
      expected: n,
      found: await count(
        'intake',
        `SELECT count(*) AS n FROM (SELECT whistle_id, string_agg(type, ',' ORDER BY position) AS t FROM whistle_ledger WHERE whistle_id = ANY(${list}) GROUP BY 1) l
          WHERE t = 'WhistleBlown,WhistleTriaged,DepartmentsSummoned'`,
      ),
    },
    { service: 'triage', check: 'WhistleTriaged in its store', expected: n, found: await events('triage', `'WhistleTriaged'`) },
    { service: 'dispatch', check: 'DepartmentsSummoned in its store', expected: n, found: await events('dispatch', `'DepartmentsSummoned'`) },
    { service: 'dispatch', check: 'DeadlineMissed or WhistleEscalated (no deadline had passed)', expected: 0, found: await events('dispatch', `'DeadlineMissed', 'WhistleEscalated'`) },
    { service: 'assessment', check: 'whistles with assignment facts', expected: n, found: await count('assessment', `SELECT count(DISTINCT whistle_id) AS n FROM assignment_facts WHERE whistle_id = ANY(${list})`) },
    ...(await Promise.all(
      (['intake', 'triage', 'dispatch', 'assessment'] as const).map(async (s) => ({
        service: s,
        check: 'messages parked (an outage is not a poison message)',
        expected: 0,
        found: await count(s, `SELECT count(*) AS n FROM parked`),
      })),
    )),
  ];
}

/** The reconciliation as a table for the terminal and docs/reliability.md. */
export function reconciliationTable(r: Reconciliation): string {
  const lines = [
    `accepted ${r.accepted} whistles; ${r.refusedThenRetried} refused POSTs retried with the same key`,
    `faults: ${r.faults.join('; ')}`,
    '',
    '| service | check | expected | found |',
    '|---|---|---|---|',
    ...r.rows.map((x) => `| ${x.service} | ${x.check} | ${x.expected} | ${x.found}${x.found === x.expected ? '' : ' ✘'} |`),
  ];
  return lines.join('\n');
}

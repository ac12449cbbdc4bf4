#!/usr/bin/env node
// Benchmark of the public board (公示公开, docs/public.md): GET /api/v1/public/board through the
// gateway (which composes intake's whistle part and assessment's 三率) with C concurrent clients.
//
//   npx tsc -p tsconfig.build.json && node scripts/bench/public-board.js [--seconds=15] [--concurrency=200] [--whistles=5000]
//   (also run by `npm run bench`, into docs/benchmarks.md; `npm run bench -- --only=public` runs it alone)
//
// 1. a scratch database; intake, assessment and the gateway as processes (no triage or dispatch:
//    the board reads intake's read model, seeded here with N public whistles of the last 30 days
//    over the six streets and their communities, 1/3 done, some late, the rest in progress);
// 2. three runs of `seconds` each, C clients on keep-alive connections, each sending its next GET
//    when the previous one answered: (a) no cache (CHUISHAO_PUBLIC_CACHE_SECONDS=0: every request
//    computes the board and asks assessment), (b) the cache on (5 s: computed once per 5 s, a
//    200 with the body), (c) the cache on and clients revalidating with If-None-Match (mostly 304,
//    as browsers and the /public page do);
// 3. prints a markdown table: requests/s, p50, p99, status codes. Nothing is written here.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { Client } = require('pg');
const { startProcess, waitForHealth, stopProcess, localKafkaEnv } = require('../lib/stack');

const ROOT = path.join(__dirname, '..', '..');
const log = (m) => process.stdout.write(`${m}\n`);
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/** N public whistle views (intake's read model rows), spread over the catalog's streets and communities. */
function seedViews(n) {
  const { defaultCatalog } = require(path.join(ROOT, 'dist/libs/catalog/src/index.js'));
  const catalog = defaultCatalog();
  const now = Date.now();
  const iso = (t) => new Date(t).toISOString();
  const out = [];
  for (let i = 0; i < n; i++) {
    const street = catalog.streets[i % catalog.streets.length];
    const community = street.communities[i % street.communities.length];
    const situation = catalog.situations[i % catalog.situations.length];
    const created = now - (i % 29) * 86400_000 - (i % 1000) * 1000;
    const done = i % 3 === 0;
    const late = !done && i % 7 === 0;
    const due = late ? created + 3600_000 : now + 86400_000;
    const deadlines = { reportBy: iso(created + 900_000), arriveBy: iso(created + 1800_000), completeBy: iso(due) };
    out.push({
      id: crypto.randomUUID(),
      streetId: street.id,
      situationCode: situation.code,
      area: situation.area,
      title: `bench ${i}`,
      description: 'bench',
      location: { address: 'bench', normalisedAddress: 'bench', communityId: community.id, lat: null, lng: null },
      requestedDepartments: [],
      hints: { lifeSafety: false, householdsAffected: null },
      attachments: [],
      status: done ? 'RESOLVED' : 'IN_PROGRESS',
      level: ['RED', 'YELLOW', 'BLUE'][i % 3],
      triage: { level: 'BLUE', policyVersion: 1, rules: [], reasons: [] },
      deadlines: done ? { reportBy: null, arriveBy: null, completeBy: null } : { reportBy: null, arriveBy: null, completeBy: deadlines.completeBy },
      assignments: [
        { id: crypto.randomUUID(), departmentId: situation.leadDepartment, role: 'LEAD', status: done ? 'COMPLETED' : 'REPORTED', summonedAt: iso(created + 1000), reportedAt: iso(created + 60_000), arrivedAt: null, completedAt: done ? iso(created + 7200_000) : null, result: null, deadlines, overdue: [], extensions: [] },
      ],
      feedback: null,
      escalations: 0,
      createdAt: iso(created),
      updatedAt: iso(created + 60_000),
      version: 3,
    });
  }
  return out;
}

async function seed(url, n) {
  const c = new Client({ connectionString: url, options: '-c search_path=intake' }); // intake's own schema
  await c.connect();
  try {
    const views = seedViews(n);
    for (let i = 0; i < views.length; i += 1000) {
      await c.query(
        `INSERT INTO whistle_view (id, street_id, situation_code, area, status, level, department_ids, created_at, updated_at, next_deadline, doc)
         SELECT (d->>'id')::uuid, (d->>'streetId')::uuid, d->>'situationCode', d->>'area', d->>'status', d->>'level',
                ARRAY[(d->'assignments'->0->>'departmentId')::uuid], (d->>'createdAt')::timestamptz, (d->>'updatedAt')::timestamptz,
                (d->'deadlines'->>'completeBy')::timestamptz, d
           FROM jsonb_array_elements($1::jsonb) d`,
        [JSON.stringify(views.slice(i, i + 1000))],
      );
    }
    await c.query('ANALYZE whistle_view');
  } finally {
    await c.end();
  }
}

/** C clients for `seconds`, each GETting the board again when answered; `revalidate` sends the last ETag. */
async function load(port, seconds, concurrency, revalidate) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat = [];
  const codes = {};
  let etag;
  // each worker is a client of its own (a phone, a wall screen): its address comes through the
  // gateway's trusted proxy (this process, on loopback), so the per-client rate limit is per worker
  const get = (client) =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const headers = { 'x-forwarded-for': `10.${(client >> 8) & 255}.${client & 255}.1`, ...(revalidate && etag ? { 'if-none-match': etag } : {}) };
      const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/public/board', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.headers.etag) etag = res.headers.etag;
          lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
          codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
          resolve();
        });
      });
      req.on('error', () => {
        codes.error = (codes.error ?? 0) + 1;
        resolve();
      });
    });
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, client) => {
    while (Date.now() < end) await get(client);
  }));
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { rate: lat.length / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length, codes };
}

async function runPublicBoardBench(o = {}) {
  const seconds = Number(o.seconds ?? 15);
  const concurrency = Number(o.concurrency ?? 200);
  const whistles = Number(o.whistles ?? 5000);
  const stamp = Date.now().toString(36);
  const dbName = `chuishao_bench_public_${stamp}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const ports = { gateway: 18180, intake: 18181, triage: 18182, dispatch: 18183, assessment: 18184, internal: 18190 };
  const base = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
    // the board reads PostgreSQL only; the services still connect to the project's broker (as its admin)
    ...(process.env.KAFKA_BROKERS ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS } : localKafkaEnv('chuishao-admin')),
    CHUISHAO_JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    CHUISHAO_FEEDBACK_SECRET: crypto.randomBytes(32).toString('hex'),
    // the load generator is the gateway's trusted proxy and names each worker as a client of its own
    CHUISHAO_TRUSTED_PROXIES: '127.0.0.1',
    CHUISHAO_RATE_LIMIT_PUBLIC_PER_MIN: '100000',
    CHUISHAO_TOPIC_PREFIX: `benchpub${stamp}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // what the caller adds (npm run bench: CHUISHAO_TUNING_OFF)
    ...o.env,
  };
  const logDir = path.join(ROOT, '.data', 'bench-logs', `public-${stamp}`);
  const results = { seconds, concurrency, whistles, runs: [] };
  let procs = [];
  const start = async (cacheSeconds) => {
    const env = { ...base, CHUISHAO_PUBLIC_CACHE_SECONDS: String(cacheSeconds) };
    procs = ['intake', 'assessment'].map((name) => startProcess(name, { env, ports, logDir }));
    for (const p of procs) await waitForHealth(`http://127.0.0.1:${p.port}/health`, 120000, () => p.child.exitCode === null);
    const gw = startProcess('gateway', { env, ports, logDir });
    procs.push(gw);
    // triage and dispatch are not started, so the gateway's /health says 503: wait for it to answer at all
    for (let t = Date.now(); ; ) {
      const ok = await fetch(`http://127.0.0.1:${ports.gateway}/api/v1`).then((r) => r.ok, () => false);
      if (ok) break;
      if (gw.child.exitCode !== null || Date.now() - t > 60000) throw new Error('the gateway did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = () => Promise.all(procs.map((p) => stopProcess(p)));
  try {
    await start(0);
    await seed(base.DATABASE_URL, whistles);
    log(`public board: ${whistles} public whistles seeded; ${concurrency} clients, ${seconds} s per run`);
    const scenarios = [
      ['no cache (CHUISHAO_PUBLIC_CACHE_SECONDS=0)', 0, false],
      ['cache 5 s, plain GET (200 + body)', 5, false],
      ['cache 5 s, If-None-Match (304)', 5, true],
    ];
    let running = 0;
    for (const [label, cache, revalidate] of scenarios) {
      if (cache !== running) {
        await stop();
        await start(cache);
        running = cache;
      }
      await load(ports.gateway, 1, 8, revalidate); // warm-up: connections, JIT, the first board
      const r = await load(ports.gateway, seconds, concurrency, revalidate);
      log(`  ${label}: ${r.rate.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${JSON.stringify(r.codes)}`);
      results.runs.push({ label, ...r });
    }
  } finally {
    await stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  return results;
}

function publicBoardMarkdown(r) {
  return `## Public board (公示公开)

\`GET /api/v1/public/board\` through the gateway (intake's whistle part + assessment's 三率,
composed by the gateway), ${r.whistles.toLocaleString('en')} public whistles in the last 30 days,
${r.concurrency} concurrent keep-alive clients, ${r.seconds} s per run
(\`node scripts/bench/public-board.js\`; docs/public.md).

| run | requests/s | p50 | p99 | answers |
|---|---|---|---|---|
${r.runs.map((x) => `| ${x.label} | **${x.rate.toFixed(0)}** | ${x.p50.toFixed(1)} ms | **${x.p99.toFixed(1)} ms** | ${Object.entries(x.codes).map(([k, v]) => `${k}: ${v}`).join(', ')} |`).join('\n')}
`;
}

module.exports = { runPublicBoardBench, publicBoardMarkdown };

if (require.main === module) {
  require('../register-paths');
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']));
  runPublicBoardBench(args)
    .then((r) => log(`\n${publicBoardMarkdown(r)}`))
    .catch((e) => {
      process.stderr.write(`${e.stack || e}\n`);
      process.exit(1);
    });
}

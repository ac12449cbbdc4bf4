#!/usr/bin/env node
// `npm run bench`: measures the system on this machine and writes docs/benchmarks.md.
//  (a) intake throughput with durable commits (closed loop, direct and through the gateway)
//  (b) latency from HTTP accept to DepartmentsSummoned visible on the bus, at a fixed offered rate
//  (c) triage's own share (handler histogram) and the pure rule engine
//  and, in the same run, the machine's baselines: pgbench on a one-transaction event + outbox
//  insert, and Kafka's own ProducerPerformance from the fetched jars; and the pipeline against them:
//  its capacity (whistles summoned per second, closed loop on intake, the drain included) against
//  pgbench, and its p50 at a quarter of that capacity against the architecture's floor at the same
//  rate (scripts/bench/floor.js: three minimal consumer → commit → produce hops).
//  --compare[=names]: the pipeline with each performance mechanism switched off in turn, side by
//  side with everything on (scripts/bench/compare.js).
//  --kafka=scram (default) | plaintext | both: the project's own broker secured (SASL/SCRAM-SHA-512
//  and ACLs, each service its own principal; ADR 0021) or a PLAINTEXT one (its own data dir and
//  port, KAFKA_PLAINTEXT_PORT, default 9192); `both` runs the measurement once on each, one after the
//  other, and compares them (what SCRAM and the ACLs cost the pipeline).
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { ROOT, SERVICES, KAFKA_SH, startProcess, waitForHealth, stopProcess, startLocalKafka, stopLocalKafka, localKafkaEnv, clearKafkaClientVars } = require('./lib/stack');
const { parseArgs, log, pct, median, ms, cpuMs, cpuMsOf, speedProbe, pgSocket, machine, runPgbench, kafkaClients, tuningOff } = require('./bench/common');
const { runPublicBoardBench, publicBoardMarkdown } = require('./bench/public-board');
const { runFloor, floorMarkdown } = require('./bench/floor');
const { MECHANISMS_HEADING, sectionOf } = require('./bench/compare');
require('./register-paths');

const args = parseArgs(process.argv.slice(2));
// CHUISHAO_TUNING_OFF=<names> (or --tuning-off=<names>) switches those performance mechanisms off in
// the services this run starts (libs/shared/platform/src/tuning.ts), and only there: the load
// generator and its Kafka consumer stay the same instrument whatever is switched off.
const TUNING_OFF = tuningOff(args['tuning-off'] ?? process.env.CHUISHAO_TUNING_OFF);
delete process.env.CHUISHAO_TUNING_OFF;
// the load generator's own consumer gets the same kafkajs idle-loop fix as the services
require(path.join(ROOT, 'dist/libs/shared/messaging/src/kafkajs-idle-loop.js'));

const THROUGHPUT_SECONDS = Number(args.seconds ?? 15);
const CONCURRENCY = Number(args.concurrency ?? 32);
// --rates: the offered rates of the latency runs; `quarter` is a quarter of the pipeline's capacity
// measured in the same run (rounded), which a written report runs as well, for its ratio to the floor
const RATE_LIST = String(args.rates ?? args.rate ?? '10,50,100,200').split(',').map((r) => (r === 'quarter' ? r : Number(r)));
const RATES = RATE_LIST.filter((r) => r !== 'quarter');
const RATE = Math.max(...RATES); // the contract's figure: 200/s
const LATENCY_SECONDS = Number(args['latency-seconds'] ?? 20);
const WARMUP_SECONDS = Number(args['warmup-seconds'] ?? 15);
// --quick: the latency runs only (no baselines, no throughput), printed and not written to
// docs/benchmarks.md — for comparing two versions of the code on the same machine, one after the other
const QUICK = args.quick === 'true';
// --only=pipeline: the pipeline's capacity and the latency runs, printed and in --summary, nothing
// written (one configuration of --compare, scripts/bench/compare.js)
const PIPELINE_ONLY = args.only === 'pipeline';
// --floor=off: a written report without the floor (scripts/bench/floor.js) and its ratios
const FLOOR = args.floor !== 'off';
const KAFKA_MODE = args.kafka ?? 'scram';
if (!['scram', 'plaintext', 'both'].includes(KAFKA_MODE)) throw new Error('--kafka must be scram, plaintext or both');
// --history=N: before the pipeline runs, N earlier whistles (spread over the past year) in the
// tables the hot statements look into: triage's sites, dispatch's streams and briefs. A system in
// service has them; a new database does not, and hides what grows with them (ADR 0012).
const HISTORY = Number(args.history ?? 0);
// --alone: only intake's throughput with nothing else running (printed, not written), e.g. to profile it
const ALONE = args.alone === 'true';
// --rounds=N: each offered rate N times (every rate once per round, the rounds one after another).
// This machine's figures move by ±30 % between identical runs minutes apart (other tenants of the
// host), so a written report gives each figure as the median of 3 rounds with its range.
const ROUNDS = Math.max(1, Number(args.rounds ?? (QUICK || PIPELINE_ONLY ? 1 : 3)));
// The services reach a PostgreSQL on the same host through its Unix socket when it has one;
// --db-socket=off keeps TCP on 127.0.0.1 (scripts/bench/common.js)
const PG_SOCKET = pgSocket(args);

const alive = (p) => p.child.exitCode === null && p.child.signalCode === null;

/** Where the machine's CPU goes: ms per process group, now. */
function cpuSnapshot(procs) {
  return {
    ...Object.fromEntries(procs.map((p) => [p.name, cpuMs(p.child.pid)])),
    postgres: cpuMsOf(/^postgres/),
    kafka: cpuMsOf(/^java$/),
    'load generator': (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
}

function postJson(agent, port, pathName, body, headers) {
  return new Promise((resolve) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, path: pathName, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end(data);
  });
}

const SITUATIONS = ['STREET_VENDING', 'NEIGHBOUR_DISPUTE', 'ILLEGAL_PARKING', 'NOISE_NUISANCE', 'SANITATION_BLACKSPOT', 'FIRE_LANE_BLOCKED'];
function whistle(i) {
  return {
    situationCode: SITUATIONS[i % SITUATIONS.length],
    title: `压测哨件 ${i}`,
    description: '基准测试生成的呼叫，不含个人信息。',
    location: { address: `和平区新兴街道测试路 ${i} 号`, lat: 39.1 + (i % 1000) * 0.0005, lng: 117.2 + Math.floor(i / 1000) * 0.0005 },
    hints: { lifeSafety: false, householdsAffected: i % 60 },
  };
}

async function throughput(port, token, seconds, concurrency, label) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let ok = 0;
  let failed = 0;
  let i = 0;
  const lat = [];
  const deadline = Date.now() + seconds * 1000;
  async function worker() {
    while (Date.now() < deadline) {
      const n = i++;
      const t = process.hrtime.bigint();
      const r = await postJson(agent, port, '/api/v1/whistles', whistle(n), { authorization: `Bearer ${token}`, 'idempotency-key': `${label}-${n}-${crypto.randomUUID()}` });
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.status === 201) ok++;
      else failed++;
    }
  }
  const start = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Date.now() - start) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { label, ok, failed, rate: ok / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), seconds: elapsed };
}

/**
 * A consumer of the run's whistle events from now on, in a fresh group: `onMessage(type, envelope,
 * message, now)` for each WhistleBlown, WhistleTriaged and DepartmentsSummoned, `now` when its batch
 * came. Returns the consumer once it has its partitions.
 */
async function watchWhistleEvents(prefix, onMessage) {
  const kafka = broker.client('bench');
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}.chuishao.whistle.events`, fromBeginning: false });
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
  // The instrument must not queue. kafkajs' default commits the offsets after every partition's
  // batch, and fetches again only when those commits are answered: with 6 partitions that was six
  // OffsetCommit round trips a fetch, each held ~5 ms by the broker's group coordinator, which
  // added 30–45 ms at 200/s to what was measured. It commits nothing (a fresh group each run),
  // takes every partition's batch of a fetch at once and stamps each message when its batch came.
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 64,
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      const now = process.hrtime.bigint();
      for (const message of batch.messages) {
        const type = message.headers?.['event-type']?.toString();
        if (type !== 'WhistleBlown' && type !== 'WhistleTriaged' && type !== 'DepartmentsSummoned') continue;
        onMessage(type, JSON.parse(message.value.toString()), message, now);
      }
    },
  });
  while (!assigned) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  return consumer;
}

async function latency(ports, token, prefix, rate, seconds) {
  const seen = new Map();
  const hops = new Map(); // whistleId → { [type]: { at: occurredAt, sent: the relay's produce time } }
  const consumer = await watchWhistleEvents(prefix, (type, env, message, now) => {
    const h = hops.get(env.whistleId) ?? {};
    h[type] = { at: Date.parse(env.occurredAt), sent: Number(message.timestamp) };
    hops.set(env.whistleId, h);
    if (type === 'DepartmentsSummoned') seen.set(env.whistleId, now);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const sent = new Map();
  const total = rate * seconds;
  const interval = 1000 / rate;
  const start = Date.now();
  const inflight = [];
  for (let n = 0; n < total; n++) {
    const due = start + n * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const tSend = process.hrtime.bigint();
    inflight.push(
      postJson(agent, ports.intake, '/api/v1/whistles', whistle(1e6 + n), { authorization: `Bearer ${token}`, 'idempotency-key': `lat-${n}-${crypto.randomUUID()}` }).then((r) => {
        const tAccept = process.hrtime.bigint();
        if (r.status === 201) sent.set(JSON.parse(r.body).id, { tSend, tAccept });
      }),
    );
  }
  await Promise.all(inflight);
  const offered = total / ((Date.now() - start) / 1000);
  const until = Date.now() + 30000;
  while (Date.now() < until && [...sent.keys()].some((id) => !seen.has(id))) await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  agent.destroy();
  const fromAccept = [];
  const fromSend = [];
  let missing = 0;
  for (const [id, t] of sent) {
    const s = seen.get(id);
    if (!s) {
      missing++;
      continue;
    }
    fromAccept.push(Number(s - t.tAccept) / 1e6);
    fromSend.push(Number(s - t.tSend) / 1e6);
  }
  fromAccept.sort((a, b) => a - b);
  fromSend.sort((a, b) => a - b);
  // where the time goes, per hop (ms, p50), from the envelopes' occurredAt and the relays' produce times
  const complete = [...sent.keys()].map((id) => hops.get(id)).filter((h) => h && h.WhistleBlown && h.WhistleTriaged && h.DepartmentsSummoned);
  const hop = (f) => pct(complete.map(f).sort((a, b) => a - b), 50);
  // blown → summoned in the stream's own times: WhistleBlown's occurredAt (intake decided, before
  // its commit) to DepartmentsSummoned's (dispatch decided) — the issue's "blown → summoned"
  const blownToSummoned = complete.map((h) => h.DepartmentsSummoned.at - h.WhistleBlown.at).sort((a, b) => a - b);
  const perHop = {
    intakeRelay: hop((h) => h.WhistleBlown.sent - h.WhistleBlown.at),
    triage: hop((h) => h.WhistleTriaged.at - h.WhistleBlown.sent),
    triageRelay: hop((h) => h.WhistleTriaged.sent - h.WhistleTriaged.at),
    dispatch: hop((h) => h.DepartmentsSummoned.at - h.WhistleTriaged.sent),
    dispatchRelay: hop((h) => h.DepartmentsSummoned.sent - h.DepartmentsSummoned.at),
  };
  return {
    perHop,
    offered,
    accepted: sent.size,
    missing,
    acceptP50: pct(fromAccept, 50),
    acceptP99: pct(fromAccept, 99),
    sendP50: pct(fromSend, 50),
    sendP99: pct(fromSend, 99),
    blownP50: pct(blownToSummoned, 50),
    blownP99: pct(blownToSummoned, 99),
  };
}

/**
 * The pipeline's capacity: whistles that went all the way (DepartmentsSummoned seen) per second at
 * saturation. A closed loop on intake (`throughput`: `concurrency` clients, `seconds`) with the
 * whole pipeline running, while a consumer notes each DepartmentsSummoned; the count is divided by
 * the time from the loop's start to the last one seen, so the drain of what was accepted is in it
 * and a pipeline that only accepts fast does not look fast. Run on a drained pipeline (every
 * DepartmentsSummoned seen is of this loop). Returns intake's throughput figures (`accepted`) too.
 */
async function pipelineCapacity(ports, token, prefix, seconds, concurrency) {
  const summoned = new Set();
  let last = Date.now();
  const consumer = await watchWhistleEvents(prefix, (type, env) => {
    if (type !== 'DepartmentsSummoned' || summoned.has(env.whistleId)) return;
    summoned.add(env.whistleId);
    last = Date.now();
  });
  const start = Date.now();
  const accepted = await throughput(ports.intake, token, seconds, concurrency, 'direct');
  // until every accepted whistle was summoned, or none was for 30 s
  for (let count = -1, since = Date.now(); summoned.size < accepted.ok && Date.now() - since < 30000; ) {
    if (summoned.size !== count) [count, since] = [summoned.size, Date.now()];
    await new Promise((r) => setTimeout(r, 100));
  }
  await consumer.disconnect();
  const elapsed = (last - start) / 1000;
  return { accepted, summoned: summoned.size, missing: accepted.ok - summoned.size, seconds: elapsed, drainSeconds: elapsed - accepted.seconds, rate: summoned.size > 0 ? summoned.size / elapsed : 0 };
}

/** The services on the whistle's path, whose metrics each latency run reads before and after. */
const SCRAPED = ['intake', 'triage', 'dispatch'];
const scrape = async (ports) => Object.fromEntries(await Promise.all(SCRAPED.map(async (s) => [s, await (await fetch(`http://127.0.0.1:${ports[s]}/metrics`)).text()])));

const RELAY_STEPS = ['read', 'publish'];

/** Where a relay's published rows came from (ADR 0019): handed over at commit, or read from the outbox. */
const RELAY_SOURCES = ['commit', 'outbox'];

/**
 * The relays' batches of these runs: per service and step, p50/p99 upper bounds and the number of
 * batches (reads: only the batches read from the outbox); and the rows by source, added up.
 */
function relayQuantiles(runs) {
  return Object.fromEntries(
    Object.keys(runs[0].relayBuckets).map((service) => [
      service,
      {
        ...Object.fromEntries(RELAY_STEPS.map((step) => [step, bucketQuantiles(runs.map((r) => r.relayBuckets[service][step]))])),
        rows: Object.fromEntries(RELAY_SOURCES.map((source) => [source, runs.reduce((n, r) => n + r.relayRows[service][source], 0)])),
      },
    ]),
  );
}

const relayLine = (q) =>
  Object.entries(q)
    .map(([service, s]) => `${service} read p50 ≤ ${s.read.p50 * 1000}, p99 ≤ ${s.read.p99 * 1000} over ${s.read.count} reads, publish p50 ≤ ${s.publish.p50 * 1000}, p99 ≤ ${s.publish.p99 * 1000} over ${s.publish.count} batches, rows handed over ${s.rows.commit} / read ${s.rows.outbox}`)
    .join('; ');

/** Cumulative buckets of a Prometheus histogram. */
function histogramBuckets(text, metric, labelMatch) {
  const rows = text.split('\n').filter((l) => l.startsWith(`${metric}_bucket{`) && l.includes(labelMatch));
  return rows.map((l) => ({ le: l.match(/le="([^"]+)"/)[1], n: Number(l.split(' ').pop()) })).map((b) => ({ le: b.le === '+Inf' ? Infinity : Number(b.le), n: b.n }));
}

/** What a counter (one labelled series) counted between two scrapes. */
function counterDelta(before, after, metric, labelMatch) {
  const value = (text) => Number(text.split('\n').find((l) => l.startsWith(`${metric}{`) && l.includes(labelMatch))?.split(' ').pop() ?? 0);
  return value(after) - value(before);
}

/** The cumulative buckets of what a histogram recorded between two scrapes. */
function histogramDelta(before, after, metric, labelMatch) {
  const old = histogramBuckets(before, metric, labelMatch);
  return histogramBuckets(after, metric, labelMatch).map((b, i) => ({ le: b.le, n: b.n - (old[i]?.n ?? 0) }));
}

/** p50/p99 upper bounds of one or more such deltas, added up. */
function bucketQuantiles(deltas) {
  const buckets = deltas[0].map((b, i) => ({ le: b.le, n: deltas.reduce((sum, d) => sum + (d[i]?.n ?? 0), 0) }));
  const total = buckets.length ? buckets[buckets.length - 1].n : 0;
  const q = (p) => buckets.find((b) => b.n >= total * p)?.le;
  return { count: total, p50: q(0.5), p99: q(0.99) };
}

/** One rate's rounds as one result: each latency figure the median of the rounds (with its range), CPU the mean, triage's histograms added up. */
function combineRounds(rate, runs) {
  const figures = ['acceptP50', 'acceptP99', 'sendP50', 'sendP99', 'blownP50', 'blownP99'];
  const range = Object.fromEntries(figures.map((f) => [f, [Math.min(...runs.map((r) => r[f])), Math.max(...runs.map((r) => r[f]))]]));
  return {
    rate,
    rounds: runs.length,
    ...Object.fromEntries(figures.map((f) => [f, median(runs.map((r) => r[f]))])),
    range,
    offered: runs.reduce((a, r) => a + r.offered, 0) / runs.length,
    accepted: runs.reduce((a, r) => a + r.accepted, 0),
    missing: runs.reduce((a, r) => a + r.missing, 0),
    perHop: Object.fromEntries(Object.keys(runs[0].perHop).map((k) => [k, median(runs.map((r) => r.perHop[k]))])),
    cpu: Object.fromEntries(Object.keys(runs[0].cpu).map((k) => [k, runs.reduce((a, r) => a + r.cpu[k], 0) / runs.length])),
    triage: bucketQuantiles(runs.map((r) => r.triageBuckets)),
    handler: bucketQuantiles(runs.map((r) => r.handleBuckets)),
    decision: bucketQuantiles(runs.map((r) => r.decisionBuckets)),
    decisionCpu: bucketQuantiles(runs.map((r) => r.decisionCpuBuckets)),
    relay: relayQuantiles(runs),
  };
}

// (d) the public board (公示公开): GET /api/v1/public/board, 200 clients, with and without the cache;
// --only=public runs it alone (printed, not written); --public-seconds=N per run (default 15)
const PUBLIC_OPTIONS = { seconds: Number(args['public-seconds'] ?? 15), concurrency: 200, whistles: Number(args['public-whistles'] ?? 5000), env: { CHUISHAO_TUNING_OFF: TUNING_OFF.join(',') } };

async function main() {
  if (args.only === 'public') {
    log(publicBoardMarkdown(await runPublicBoardBench(PUBLIC_OPTIONS)));
    return;
  }
  const m = machine(PG_SOCKET);
  m.probeStart = speedProbe();
  log(`speed probe (fixed single-threaded work, lower is faster): ${m.probeStart} ms`);
  m.tuningOff = TUNING_OFF;
  log(`machine: ${JSON.stringify(m)}`);
  if (TUNING_OFF.length > 0) log(`switched off in the services (CHUISHAO_TUNING_OFF): ${TUNING_OFF.join(', ')}`);
  broker = setUpBroker();
  m.kafka += `; ${broker.label}`;
  {
    // A broker that kept the topics of many test runs (thousands of partitions) spends CPU on them
    // even when idle: say how many it holds, so a run on such a broker is recognised.
    const probe = broker.client('bench-probe').admin();
    await probe.connect();
    const topics = await probe.listTopics();
    await probe.disconnect();
    m.kafka += `; ${topics.length} topics on the broker at the start`;
    if (topics.length > 200) log(`note: the broker holds ${topics.length} topics (earlier test runs); \`npm run kafka -- reset\` before benchmarking gives a fresh one`);
  }

  // The machine's baselines run after the system's measurements, with the system stopped: run
  // first, they left the broker busy (200,000 records to write out) while intake was measured.
  const baselines = () => {
    log('baseline: pgbench (one transaction = one event + one outbox row) ...');
    const pgbench = runPgbench(10);
    log(`  pgbench tps = ${pgbench}`);
    log('baseline: Kafka ProducerPerformance (200,000 × 512 B, acks=all) ...');
    const kp = spawnSync('bash', [KAFKA_SH, 'producer-perf', '200000', '512'], { encoding: 'utf8', env: broker.runnerEnv });
    const kafkaLine = (kp.stdout.split('\n').find((l) => /records sent/.test(l)) || '').trim();
    log(`  ${kafkaLine}`);
    return { pgbenchTps: pgbench, kafkaLine };
  };

  const stamp = Date.now().toString(36);
  const dbName = `chuishao_bench_${stamp}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const secret = crypto.randomBytes(32).toString('hex');
  const prefix = `bench${stamp}`;
  const ports = { gateway: 18080, intake: 18081, triage: 18082, dispatch: 18083, assessment: 18084, internal: 18085 };
  const env = {
    DATABASE_URL: PG_SOCKET.url(dbName),
    KAFKA_BROKERS: broker.admin.KAFKA_BROKERS,
    CHUISHAO_JWT_SECRET: secret,
    CHUISHAO_FEEDBACK_SECRET: crypto.randomBytes(32).toString('hex'),
    CHUISHAO_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    CHUISHAO_TUNING_OFF: TUNING_OFF.join(','),
  };
  const logDir = path.join(ROOT, '.data', 'bench-logs', stamp);
  const withKafka = (name) => ({ env: { ...env, ...broker.serviceEnv(name) }, ports, logDir });
  const revokeAcls = await broker.grantAcls(prefix);
  const procs = [startProcess('intake', withKafka('intake'))];
  try {
    await waitForHealth(`http://127.0.0.1:${ports.intake}/health`, 120000, () => alive(procs[0]));
    /** `fn` on a connection of its own to the run's database. */
    const onDb = async (fn) => {
      const c = new Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    };
    const { signDevToken } = require(path.join(ROOT, 'dist/libs/shared/auth/src/index.js'));
    const { whistleStreamIdSql } = require(path.join(ROOT, 'dist/libs/shared/contracts/src/index.js'));
    const { defaultCatalog } = require(path.join(ROOT, 'dist/libs/catalog/src/index.js'));
    const token = await signDevToken({ sub: 'bench', role: 'street', org: defaultCatalog().streets[3].id }, secret, 3600);

    // steady state, not start-up: intake's JIT compiler warm (one 3 s, 8-client warm-up, right
    // after the baselines then, gave 594/s where the same code gave 795–908/s started alone)
    log('warm-up: intake, 10 s at full concurrency (not measured) ...');
    await throughput(ports.intake, token, 10, CONCURRENCY, 'warmup');
    let alone;
    if ((!QUICK && !PIPELINE_ONLY) || ALONE) {
      log(`(a) throughput: intake alone (the rest not started yet), ${CONCURRENCY} clients for ${THROUGHPUT_SECONDS} s ...`);
      const intakeCpu0 = cpuMs(procs[0].child.pid);
      const pgCpu0 = cpuMsOf(/^postgres/);
      const genCpu0 = process.cpuUsage();
      alone = await throughput(ports.intake, token, THROUGHPUT_SECONDS, CONCURRENCY, 'alone');
      log(`  ${alone.rate.toFixed(0)} whistles/s accepted (${alone.ok} ok, ${alone.failed} failed), p50 ${ms(alone.p50)} ms, p99 ${ms(alone.p99)} ms`);
      if (ALONE) {
        const cpu = (cpuMs(procs[0].child.pid) - intakeCpu0) / alone.ok;
        log(`  CPU per accepted whistle: intake ${cpu.toFixed(2)} ms, postgres ${((cpuMsOf(/^postgres/) - pgCpu0) / alone.ok).toFixed(2)} ms, load generator ${(((u) => (u.user + u.system) / 1000)(process.cpuUsage(genCpu0)) / alone.ok).toFixed(2)} ms`);
        return;
      }
    }
    const rest = [...SERVICES.filter((n) => n !== 'intake'), 'gateway'];
    procs.push(...rest.map((name) => startProcess(name, withKafka(name))));
    await Promise.all(rest.map((n) => waitForHealth(`http://127.0.0.1:${ports[n]}/health`, 120000, () => alive(procs.find((p) => p.name === n)))));
    // drained = every whistle dispatched, every outbox empty and every consumer group of this run
    // caught up (assessment and the projections too, so no backlog steals the next run's CPU)
    const drain = () => onDb(async (c) => {
      const kafkaAdmin = broker.client('bench-drain').admin();
      await kafkaAdmin.connect();
      const lag = async () => {
        const groups = (await kafkaAdmin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
        const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(prefix) && !t.endsWith('.rejected'));
        const ends = new Map();
        for (const t of topics) for (const p of await kafkaAdmin.fetchTopicOffsets(t)) ends.set(`${t}/${p.partition}`, Number(p.high));
        let behind = 0;
        for (const groupId of groups) {
          for (const t of await kafkaAdmin.fetchOffsets({ groupId, topics })) {
            // (-1: the group does not read that topic, or has nothing there yet)
            for (const p of t.partitions) if (Number(p.offset) >= 0) behind += Math.max(0, (ends.get(`${t.topic}/${p.partition}`) ?? 0) - Number(p.offset));
          }
        }
        return behind;
      };
      try {
        for (;;) {
          const r = await c.query(`SELECT (SELECT count(*) FROM intake.whistle_view WHERE status <> 'DISPATCHED')
            + (SELECT count(*) FROM intake.outbox) + (SELECT count(*) FROM triage.outbox) + (SELECT count(*) FROM dispatch.outbox) AS pending`);
          if (Number(r.rows[0].pending) === 0 && (await lag()) === 0) break;
          await new Promise((res) => setTimeout(res, 500));
        }
      } finally {
        await kafkaAdmin.disconnect();
      }
    });
    await drain();
    if (HISTORY > 0) {
      log(`history: ${HISTORY} earlier whistles over the past year in triage's sites and dispatch's streams and briefs ...`);
      await onDb(async (c) => {
        await c.query(
          `INSERT INTO triage.whistle_sites (whistle_id, situation_code, normalised_address, lat, lng, blown_at)
           SELECT gen_random_uuid(), ($2::text[])[1 + g % array_length($2::text[], 1)], '历史路' || g || '号',
                  39.1 + random() * 0.5, 117.2 + random() * 0.5, now() - random() * interval '365 days'
             FROM generate_series(1, $1::int) AS g`,
          [HISTORY, SITUATIONS],
        );
        await c.query(
          `WITH b AS (
             INSERT INTO dispatch.whistle_briefs (whistle_id, street_id, situation_code, title, description, location)
             SELECT gen_random_uuid(), $2::uuid, ($3::text[])[1 + g % array_length($3::text[], 1)], '历史哨件', '', '{}'::jsonb
               FROM generate_series(1, $1::int) AS g
             RETURNING whistle_id)
           INSERT INTO dispatch.streams (stream_id, stream_type, version, last_hash)
           SELECT ${whistleStreamIdSql('whistle_id')}, 'whistle', 3, repeat('0', 64) FROM b`,
          [HISTORY, defaultCatalog().streets[3].id, SITUATIONS],
        );
      });
    }

    let direct;
    let viaGateway;
    let capacity;
    if (!QUICK || PIPELINE_ONLY) {
      log(`(a) throughput: ${CONCURRENCY} concurrent clients for ${THROUGHPUT_SECONDS} s, direct to intake, and the pipeline's capacity: the whistles summoned until the last ...`);
      capacity = await pipelineCapacity(ports, token, prefix, THROUGHPUT_SECONDS, CONCURRENCY);
      direct = capacity.accepted;
      delete capacity.accepted;
      log(`  ${direct.rate.toFixed(0)} whistles/s accepted (${direct.ok} ok, ${direct.failed} failed), p50 ${ms(direct.p50)} ms, p99 ${ms(direct.p99)} ms`);
      log(`  the pipeline's capacity: ${capacity.rate.toFixed(0)} whistles/s summoned (${capacity.summoned} in ${capacity.seconds.toFixed(1)} s, the last ${capacity.drainSeconds.toFixed(1)} s after the loop; ${capacity.missing} not seen)`);
      await drain();
    }
    if (!QUICK && !PIPELINE_ONLY) {
      log(`(a) throughput through the gateway ...`);
      viaGateway = await throughput(ports.gateway, token, THROUGHPUT_SECONDS, CONCURRENCY, 'gateway');
      log(`  ${viaGateway.rate.toFixed(0)} whistles/s accepted (${viaGateway.ok} ok, ${viaGateway.failed} failed), p50 ${ms(viaGateway.p50)} ms, p99 ${ms(viaGateway.p99)} ms`);
      log('draining the pipeline ...');
      await drain();
    }

    // The latency runs measure a warm system: a fresh broker's and the services' JIT compilers
    // would otherwise be counted in the first run (a fresh broker took ~3× the CPU per whistle at
    // 10/s than a warm one). The whole pipeline at 50/s for WARMUP_SECONDS, not measured.
    if (WARMUP_SECONDS > 0) {
      log(`warm-up of the pipeline: 50 whistles/s for ${WARMUP_SECONDS} s (not measured) ...`);
      await latency(ports, token, prefix, 50, WARMUP_SECONDS);
      await drain();
    }
    // The services prepare their statements, and PostgreSQL keeps a prepared statement's generic
    // plan until the table's statistics change. Made on this run's new, near-empty tables, such a
    // plan may scan what an index would find. Autovacuum's ANALYZE replaces the plans on a server
    // that runs it (the default); with autovacuum off, as on this machine's server, nothing would —
    // so the run does what autovacuum would have done by now, once, before the measured runs.
    if (m.autovacuum === 'off') {
      log('autovacuum is off on this server: VACUUM ANALYZE of the scratch database, as autovacuum would have done ...');
      await onDb((c) => c.query('VACUUM ANALYZE'));
    }
    // a quarter of the pipeline's capacity (rounded): the rate of the ratios to the floor
    const quarter = capacity?.rate > 0 ? Math.max(1, Math.round(capacity.rate / 4)) : undefined;
    const wanted = [...RATE_LIST.map((r) => (r === 'quarter' ? quarter : r)), ...(QUICK || PIPELINE_ONLY ? [] : [quarter])];
    const rates = [...new Set(wanted.filter((r) => Number.isFinite(r) && r > 0))].sort((a, b) => a - b);
    if (rates.length === 0) throw new Error(`no rate to offer (--rates=${RATE_LIST.join(',')}; a quarter of the capacity: ${quarter})`);
    if (quarter !== undefined) log(`a quarter of the pipeline's capacity: ${quarter} whistles/s`);
    const runs = new Map(rates.map((r) => [r, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const rate of rates) {
        const before = await scrape(ports);
        log(`(b) latency: ${rate} whistles/s offered for ${LATENCY_SECONDS} s${ROUNDS > 1 ? ` (round ${round} of ${ROUNDS})` : ''} ...`);
        const cpuBefore = cpuSnapshot(procs);
        const lat = { rate, ...(await latency(ports, token, prefix, rate, LATENCY_SECONDS)) };
        const cpuAfter = cpuSnapshot(procs);
        lat.cpu = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, (cpuAfter[k] - cpuBefore[k]) / Math.max(1, lat.accepted)]));
        log(`  accept → DepartmentsSummoned p50 ${ms(lat.acceptP50)} ms, p99 ${ms(lat.acceptP99)} ms (send → summoned p50 ${ms(lat.sendP50)}, p99 ${ms(lat.sendP99)}; blown → summoned in event times p50 ${ms(lat.blownP50)}, p99 ${ms(lat.blownP99)}); missing ${lat.missing}`);
        log(`  CPU ms per whistle: ${Object.entries(lat.cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}; total ${Object.values(lat.cpu).reduce((a, b) => a + b, 0).toFixed(1)}`);
        log(`  p50 per hop (ms): ${Object.entries(lat.perHop).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        const after = await scrape(ports);
        lat.triageBuckets = histogramDelta(before.triage, after.triage, 'chuishao_consumer_batch_seconds', `group="${prefix}.chuishao-triage-events"`);
        lat.handleBuckets = histogramDelta(before.triage, after.triage, 'chuishao_consumer_handle_seconds', `group="${prefix}.chuishao-triage-events"`);
        lat.decisionBuckets = histogramDelta(before.triage, after.triage, 'chuishao_triage_decision_seconds', '');
        lat.decisionCpuBuckets = histogramDelta(before.triage, after.triage, 'chuishao_triage_decision_cpu_seconds', '');
        const own = bucketQuantiles([lat.triageBuckets]);
        const decision = bucketQuantiles([lat.decisionBuckets]);
        const decisionCpu = bucketQuantiles([lat.decisionCpuBuckets]);
        lat.briefs = Object.fromEntries(['memory', 'database'].map((source) => [source, counterDelta(before.dispatch, after.dispatch, 'chuishao_dispatch_summon_loads_total', `source="${source}"`)]));
        lat.counted = Object.fromEntries(['memory', 'database'].map((source) => [source, counterDelta(before.triage, after.triage, 'chuishao_triage_recurring_counts_total', `source="${source}"`)]));
        log(`  triage's own work (its batch, per whistle): p50 ≤ ${own.p50 * 1000} ms, p99 ≤ ${own.p99 * 1000} ms over ${own.count}; its decision alone: p50 ≤ ${decision.p50 * 1000} ms, p99 ≤ ${decision.p99 * 1000} ms (in CPU time p50 ≤ ${decisionCpu.p50 * 1000} ms, p99 ≤ ${decisionCpu.p99 * 1000} ms); recurring counts in memory ${lat.counted.memory}, by statement ${lat.counted.database}`);
        log(`  dispatch: briefs of the whistles it summoned held in memory ${lat.briefs.memory}, loaded ${lat.briefs.database} (ADR 0018)`);
        // the three relays on the whistle's path: each published batch's read (its one statement, for rows read
        // from the outbox) and publish (produce, acks=all); rows handed over at commit or read (ADR 0019)
        lat.relayBuckets = Object.fromEntries(
          SCRAPED.map((service) => [service, Object.fromEntries(RELAY_STEPS.map((step) => [step, histogramDelta(before[service], after[service], 'chuishao_outbox_relay_seconds', `step="${step}"`)]))]),
        );
        lat.relayRows = Object.fromEntries(
          SCRAPED.map((service) => [service, Object.fromEntries(RELAY_SOURCES.map((source) => [source, counterDelta(before[service], after[service], 'chuishao_outbox_published_total', `source="${source}"`)]))]),
        );
        log(`  relays (ms): ${relayLine(relayQuantiles([lat]))}`);
        runs.get(rate).push(lat);
        await drain();
      }
    }
    const lats = rates.map((rate) => combineRounds(rate, runs.get(rate)));
    if (ROUNDS > 1) {
      log(`(b) over ${ROUNDS} rounds (median, range):`);
      for (const l of lats) log(`  ${l.rate}/s: accept → summoned p50 ${ms(l.acceptP50)} (${ms(l.range.acceptP50[0])}–${ms(l.range.acceptP50[1])}), p99 ${ms(l.acceptP99)} (${ms(l.range.acceptP99[0])}–${ms(l.range.acceptP99[1])}); blown → summoned p50 ${ms(l.blownP50)}, p99 ${ms(l.blownP99)}; triage's own p99 ≤ ${l.triage.p99 * 1000} ms, its decision p99 ≤ ${l.decision.p99 * 1000} ms (CPU time ≤ ${l.decisionCpu.p99 * 1000} ms)`);
    }

    // (c) the pure rule engine
    const { triage, DEFAULT_TRIAGE_POLICY } = require(path.join(ROOT, 'dist/libs/triage/domain/src/index.js'));
    const input = { situationCode: 'STREET_VENDING', area: 'JOINT_ENFORCEMENT', defaultLevel: 'BLUE', hints: { lifeSafety: false, householdsAffected: 80 }, recurringCount: 2 };
    const N = 100000;
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < N; k++) triage(input, DEFAULT_TRIAGE_POLICY);
    const perCallUs = Number(process.hrtime.bigint() - t0) / 1e3 / N;

    writeSummary({ kafka: broker.label, m, tuningOff: TUNING_OFF, lats, direct, capacity, quarter });
    if (QUICK || PIPELINE_ONLY) return;
    await Promise.all(procs.map((p) => stopProcess(p)));
    // the floor, with the system stopped, on the run's broker (as its admin: topics under the run's
    // prefix), database and connection (socket or TCP): at the quarter rate, the rounds of the
    // pipeline's; before the baselines, as Kafka's producer tool leaves the broker busy
    const floor =
      FLOOR && args.report !== 'false' && quarter !== undefined
        ? await runFloor({ kafka: broker.admin, databaseUrl: env.DATABASE_URL, prefix, rates: [quarter], latencySeconds: LATENCY_SECONDS, capacitySeconds: THROUGHPUT_SECONDS, rounds: ROUNDS })
        : undefined;
    const { pgbenchTps, kafkaLine } = baselines();
    // the public board does not depend on the broker: measured in the run that writes the report
    if (args.report !== 'false') log('(d) public board ...');
    const publicBoard = args.report === 'false' ? undefined : await runPublicBoardBench(PUBLIC_OPTIONS);
    const probeEnd = speedProbe();
    log(`speed probe: ${m.probeStart} ms at the start, ${probeEnd} ms at the end`);
    const results = { m, probeEnd, pgbenchTps, kafkaLine, alone, direct, viaGateway, capacity, quarter, floor, lats, perCallUs, publicBoard, when: new Date().toISOString() };
    writeSummary({ kafka: broker.label, m, tuningOff: TUNING_OFF, lats, direct, viaGateway, capacity, quarter, floor, pgbenchTps });
    if (args.report === 'false') return;
    writeReport(results);
    log(`written to docs/benchmarks.md`);
  } finally {
    await Promise.all(procs.map((p) => stopProcess(p)));
    // a configuration of --compare leaves the broker as it found it, so that the next one does not
    // start on ~70 more topics (a broker's idle cost grows with its partitions)
    if (PIPELINE_ONLY) await deleteTopicsOf(prefix).catch((e) => log(`  the run's topics could not be deleted: ${e.message}`));
    // --keep-db: leave the scratch database for a look at its tables afterwards (pg_stat_user_tables)
    if (args['keep-db'] === 'true') log(`kept the database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await revokeAcls();
    broker.stop();
  }
}

/** Deletes the topics and consumer groups under `prefix` (with nothing running that uses them). */
async function deleteTopicsOf(prefix) {
  const a = broker.client('bench-cleanup').admin();
  await a.connect();
  try {
    const groups = (await a.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
    if (groups.length > 0) await a.deleteGroups(groups);
    const topics = (await a.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length > 0) await a.deleteTopics({ topics });
  } finally {
    await a.disconnect();
  }
}

/** The broker of this run and its clients' settings (see --kafka). */
let broker;
function setUpBroker() {
  if (process.env.KAFKA_BROKERS) {
    // someone's broker: every client with the environment's settings
    const admin = { ...process.env };
    return { label: `given broker ${admin.KAFKA_BROKERS}${admin.KAFKA_SASL_USERNAME ? ` (SASL ${admin.KAFKA_SASL_MECHANISM ?? 'scram-sha-512'})` : ''}`, admin, runnerEnv: process.env, client: kafkaClients(admin), serviceEnv: () => ({}), grantAcls: async () => async () => undefined, stop: () => undefined };
  }
  clearKafkaClientVars(process.env);
  const plaintext = KAFKA_MODE === 'plaintext';
  const port = Number(process.env.KAFKA_PLAINTEXT_PORT || 9192);
  const runnerEnv = plaintext
    ? { ...process.env, KAFKA_SECURITY: 'plaintext', KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1), KAFKA_DATA_DIR: path.join(ROOT, '.data', 'kafka-plaintext') }
    : { ...process.env, KAFKA_SECURITY: 'scram' };
  const started = startLocalKafka(runnerEnv);
  const admin = localKafkaEnv('chuishao-admin', runnerEnv);
  const secured = !!admin.KAFKA_SASL_USERNAME;
  if (secured === plaintext) throw new Error(`the broker at ${admin.KAFKA_BROKERS} is ${secured ? 'secured' : 'PLAINTEXT'}, not what --kafka=${KAFKA_MODE} asks for: stop it first`);
  const client = kafkaClients(admin);
  return {
    label: secured ? `${admin.KAFKA_TLS ? 'SASL_SSL' : 'SASL_PLAINTEXT'}, SCRAM-SHA-512, ACLs, each service its own principal` : 'PLAINTEXT, no authentication, no ACLs',
    admin,
    runnerEnv,
    client,
    serviceEnv: (name) => (secured && name !== 'gateway' ? localKafkaEnv(`chuishao-${name}`, runnerEnv) : {}),
    // the services run under the run's topic prefix: the ACL model's bindings for it
    async grantAcls(prefix) {
      if (!secured) return async () => undefined;
      const { kafkaAclBindings, createAcls, deleteAcls } = require(path.join(ROOT, 'dist/libs/shared/messaging/src/index.js'));
      const { defaultCatalog } = require(path.join(ROOT, 'dist/libs/catalog/src/index.js'));
      const bindings = kafkaAclBindings({ prefix, departments: defaultCatalog().departments });
      const a = client('bench-acls').admin();
      await a.connect();
      await createAcls(a, bindings);
      return async () => {
        await deleteAcls(a, bindings).catch(() => undefined);
        await a.disconnect();
      };
    },
    stop: () => (started && plaintext ? stopLocalKafka(runnerEnv) : undefined),
  };
}

/** --summary=<file>: this run's figures as JSON, for --kafka=both. */
function writeSummary(summary) {
  if (args.summary) fs.writeFileSync(args.summary, JSON.stringify(summary));
}

/** --kafka=both: the same measurement on a PLAINTEXT broker, then on the secured one, compared. */
async function both() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chuishao-bench-'));
  const passed = process.argv.slice(2).filter((a) => !a.startsWith('--kafka') && !a.startsWith('--summary') && !a.startsWith('--report') && !a.startsWith('--tuning-off'));
  // (this process took CHUISHAO_TUNING_OFF out of its environment: the runs get it as an option)
  if (TUNING_OFF.length > 0) passed.push(`--tuning-off=${TUNING_OFF.join(',')}`);
  const runs = {};
  for (const mode of ['plaintext', 'scram']) {
    log(`\n===== --kafka=${mode} =====`);
    const file = path.join(dir, `${mode}.json`);
    // the secured run (the default configuration) writes docs/benchmarks.md; the other only its summary
    const r = spawnSync(process.execPath, [__filename, ...passed, `--kafka=${mode}`, `--summary=${file}`, ...(mode === 'plaintext' ? ['--report=false'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`the ${mode} run failed`);
    runs[mode] = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const section = comparison(runs.plaintext, runs.scram);
  log(`\n${section}`);
  if (QUICK) return;
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const md = fs.readFileSync(file, 'utf8');
  const i = md.indexOf('\n## Assessment');
  fs.writeFileSync(file, i >= 0 ? `${md.slice(0, i)}\n${section}${md.slice(i)}` : `${md}\n${section}`);
  log('comparison written to docs/benchmarks.md');
}

/** The two runs side by side, rate by rate (the rates both ran: each also ran a quarter of its own capacity). */
function comparison(plain, scram) {
  const cpu = (l) => Object.values(l.cpu).reduce((a, b) => a + b, 0);
  const row = (p, s) => `| ${p.rate}/s | ${ms(p.acceptP50)} / ${ms(p.acceptP99)} ms | ${ms(s.acceptP50)} / ${ms(s.acceptP99)} ms | ${p.cpu.kafka.toFixed(2)} / ${cpu(p).toFixed(1)} ms | ${s.cpu.kafka.toFixed(2)} / ${cpu(s).toFixed(1)} ms | ${p.missing} / ${s.missing} |`;
  const rate = (x) => (x ? `${x.rate.toFixed(0)}/s` : 'n/a');
  return `## Kafka security: SCRAM-SHA-512 with ACLs vs PLAINTEXT (\`npm run bench -- --kafka=both\`)

Each measurement twice, one after the other on the same machine: first on a PLAINTEXT broker,
then on the project's default secured broker (SASL_PLAINTEXT, SCRAM-SHA-512, StandardAuthorizer with the
ACL model's bindings, each service its own principal; ADR 0021). SCRAM costs a few round trips when a
connection is opened (the clients keep theirs); the ACLs are checked on every request.

| offered | PLAINTEXT: accept → summoned p50 / p99 | SCRAM: p50 / p99 | PLAINTEXT: CPU ms per whistle, Kafka / total | SCRAM: Kafka / total | not seen (PLAINTEXT / SCRAM) |
|---|---|---|---|---|---|
${plain.lats.filter((p) => scram.lats.some((s) => s.rate === p.rate)).map((p) => row(p, scram.lats.find((s) => s.rate === p.rate))).join('\n')}

Intake's throughput, whole pipeline running: PLAINTEXT ${rate(plain.direct)} direct, ${rate(plain.viaGateway)} through the gateway; SCRAM ${rate(scram.direct)} direct, ${rate(scram.viaGateway)} through the gateway.
`;
}

function writeReport(r) {
  const sec = (s) => (s === undefined ? 'n/a' : s === Infinity ? '> 1 s' : `≤ ${+(s * 1000).toFixed(2)} ms`);
  const pass = (ok) => (ok ? '✅' : '❌');
  const span = (l, f) => (l.rounds > 1 ? ` (${l.range[f].map((x) => x.toFixed(0)).join('–')})` : '');
  const md = `# Benchmarks

Written by \`npm run bench\` (scripts/bench.js) on ${r.when}. Every figure below was measured in the
same run, on the same machine, with the whole system running (four services, the gateway, Kafka,
PostgreSQL) — the load generator shares the machine too. Re-run to refresh; nothing here is
asserted by tests.

## Machine

| | |
|---|---|
| CPU | ${r.m.cpu} |
| Memory | ${r.m.memory} |
| OS | ${r.m.os} |
| Node.js | ${r.m.node} |
| PostgreSQL | ${r.m.postgres} |
| Kafka | ${r.m.kafka} |
| speed probe (fixed single-threaded work, lower is faster; \`speedProbe\` in scripts/bench/common.js) | ${r.m.probeStart} ms at the start of the run, ${r.probeEnd} ms at its end |${r.m.tuningOff.length ? `\n| performance mechanisms switched off in the services (CHUISHAO_TUNING_OFF) | **${r.m.tuningOff.join(', ')}** |` : ''}

## Baselines of this machine (same run, measured after the system, with it stopped)

| baseline | result |
|---|---|
| pgbench, one transaction = one event row + one outbox row (8 clients, 10 s) | **${r.pgbenchTps ?? 'n/a'} tps** |
| Kafka ProducerPerformance, 200,000 × 512 B, acks=all | ${r.kafkaLine || 'n/a'} |

${floorMarkdown({ ...r, concurrency: CONCURRENCY, seconds: THROUGHPUT_SECONDS })}
## (a) Intake throughput with durable commits

Each accepted whistle is committed with \`synchronous_commit=on\` before its 201: idempotency key
row, WhistleBlown event with its hash, outbox row and first read model, in one statement that
is its own transaction — the blows that arrive together share that statement and its commit
(set-based group commit, ADRs 0005, 0007 and 0010), none is answered before its commit.
Closed loop, ${CONCURRENCY} concurrent keep-alive clients, ${THROUGHPUT_SECONDS} s each.

| path | accepted/s | ok | failed | p50 | p99 | target |
|---|---|---|---|---|---|---|
| intake alone (triage, dispatch, assessment not yet started) | **${r.alone.rate.toFixed(0)}** | ${r.alone.ok} | ${r.alone.failed} | ${ms(r.alone.p50)} ms | ${ms(r.alone.p99)} ms | ≥ 1,000/s ${pass(r.alone.rate >= 1000)} |
| direct to intake, whole pipeline running | **${r.direct.rate.toFixed(0)}** | ${r.direct.ok} | ${r.direct.failed} | ${ms(r.direct.p50)} ms | ${ms(r.direct.p99)} ms | ≥ 1,000/s ${pass(r.direct.rate >= 1000)} |
| through the gateway (:8080), whole pipeline running | **${r.viaGateway.rate.toFixed(0)}** | ${r.viaGateway.ok} | ${r.viaGateway.failed} | ${ms(r.viaGateway.p50)} ms | ${ms(r.viaGateway.p99)} ms | |

While intake was measured directly, a consumer counted the whistles summoned: the pipeline's capacity,
whistles that went all the way per second with the drain included, was **${r.capacity.rate.toFixed(0)}/s** (the section on the floor above).

## (b) Latency: HTTP accept → DepartmentsSummoned visible

Open loop at each offered rate for ${LATENCY_SECONDS} s (the pipeline drained in between, and warmed up
before the first run with ${WARMUP_SECONDS} s at 50/s, not measured); "visible" =
the DepartmentsSummoned envelope read from \`chuishao.whistle.events\` by a separate consumer. The
path: intake commit → in-process wake → outbox relay → Kafka → triage (a consumer batch: recurring counts in
memory, ADR 0017; inbox rows, events + outbox + sites) → relay → Kafka → dispatch (a consumer batch: the briefs it wrote
held in memory, ADR 0018, else loaded; inbox rows, briefs, events + deadlines + assignments + outbox) → relay → Kafka (ADR 0010).

${r.lats[0].rounds > 1 ? `Each rate was run ${r.lats[0].rounds} times, one round of all rates after another; each figure is the
median of the rounds, with the lowest and highest round in brackets.` : 'Each rate was run once (one round: no range).'} "Blown → summoned" is
the same whistles' time in the stream's own clock: WhistleBlown's \`occurredAt\` (intake decided,
before its commit) to DepartmentsSummoned's (dispatch decided, before its commit and its relay).

| offered (achieved) | accepted | from the 201: p50 | p99 | from sending: p50 | p99 | blown → summoned: p50 | p99 | not seen in 30 s | target (200/s) |
|---|---|---|---|---|---|---|---|---|---|
${r.lats.map((l) => `| ${l.rate}/s${l.rate === r.quarter ? ' (¼ of the capacity)' : ''} (${l.offered.toFixed(0)}) | ${l.accepted} | **${ms(l.acceptP50)} ms**${span(l, 'acceptP50')} | **${ms(l.acceptP99)} ms**${span(l, 'acceptP99')} | ${ms(l.sendP50)} ms | ${ms(l.sendP99)} ms | ${ms(l.blownP50)} ms${span(l, 'blownP50')} | ${ms(l.blownP99)} ms${span(l, 'blownP99')} | ${l.missing} | ${l.rate === RATE ? `p50 ≤ 20 ms ${pass(l.acceptP50 <= 20)} (blown → summoned ${pass(l.blownP50 <= 20)}), p99 ≤ 100 ms ${pass(l.acceptP99 <= 100)} (${pass(l.blownP99 <= 100)})` : ''} |`).join('\n')}

Where the time goes (p50 per hop, ms, median of the rounds; each event's \`occurredAt\` is stamped when its service
decides it, and the relays set the Kafka message time when they produce):

| offered | intake decided → on Kafka (commit, relay) | → triage decided (fetch, handler) | → on Kafka | → dispatch decided | → on Kafka |
|---|---|---|---|---|---|
${r.lats.map((l) => `| ${l.rate}/s | ${l.perHop.intakeRelay} | ${l.perHop.triage} | ${l.perHop.triageRelay} | ${l.perHop.dispatch} | ${l.perHop.dispatchRelay} |`).join('\n')}

The relays' batches (\`chuishao_outbox_relay_seconds\`, all rounds together, bucket upper bounds in ms): each
batch read from the outbox has its **read** — one statement, the rows published before deleted with
the next ones selected — and every batch its **publish** — the produce until Kafka acknowledged it
(acks=all). Rows handed over at commit with their ids are published without a read (ADR 0019); the
outbox is read for the rest (another writer's, a gap in the ids) and, every 250 ms, to delete what
was published. A row committed while a batch is under way waits for the rest of that batch.

| offered | intake: read p50 / p99 (reads) | publish p50 / p99 (batches) | rows handed over / read | triage: read | publish | rows | dispatch: read | publish | rows |
|---|---|---|---|---|---|---|---|---|---|
${r.lats.map((l) => `| ${l.rate}/s | ${SCRAPED.map((sv) => { const q = l.relay[sv]; const f = (x) => `${x.p50 * 1000} / ${x.p99 * 1000} (${x.count})`; return `${f(q.read)} | ${f(q.publish)} | ${q.rows.commit} / ${q.rows.outbox}`; }).join(' | ')} |`).join('\n')}

CPU per accepted whistle during each latency run (ms, mean of the rounds, from \`/proc\`; the run lasts until the last
DepartmentsSummoned is seen, so it includes the projections that ran meanwhile; the load generator
includes its own Kafka consumer). At low rates each message travels alone — a Kafka request, a
statement and a commit for each, where at 200/s one of each carries dozens — and the idle cost of
the stack (0.2–0.3 s of CPU a second with nothing offered: Kafka's polls and JIT compiler, the
services' fetch loops and timers; ADR 0011) is spread over few whistles; two cores give 2,000 ms of CPU a second, so at R
whistles/s the machine saturates once the total passes 2,000 / R (10 ms at 200/s).

| offered | ${Object.keys(r.lats[0].cpu ?? {}).join(' | ')} | total |
|---|${Object.keys(r.lats[0].cpu ?? {}).map(() => '---|').join('')}---|
${r.lats.map((l) => `| ${l.rate}/s | ${Object.values(l.cpu ?? {}).map((x) => x.toFixed(2)).join(' | ')} | **${Object.values(l.cpu ?? {}).reduce((a, b) => a + b, 0).toFixed(1)}** |`).join('\n')}

## (c) Triage's own share

From triage's histograms over each rate's latency runs, all rounds together (bucket upper bounds), each
observed once a whistle:
- **batch** (\`chuishao_consumer_batch_seconds\`): triage's own work as each WhistleBlown sees it, the wall
  time of the batch it was triaged in, from when triage's consumer had the batch to the end of its
  writes (recurring counts, rules, inbox rows with the WhistleTriaged events, outbox rows and sites,
  the commit; the partitions of one fetch are one batch, ADR 0014, and a batch that waited for the
  previous one counts the wait; the Kafka hops before and after are not triage's work);
- **decision** (\`chuishao_triage_decision_seconds\`): the part of it that only triage does, its
  batch's recurring counts with the policy and the rules — counted in triage's in-memory index of
  sites, as the only member of its consumer group (ADR 0017; with other members, by a statement);
  what every consumer stage does (inbox rows, the append with its outbox rows, the commit) is not in it;
- **decision, CPU** (\`chuishao_triage_decision_cpu_seconds\`): the same decision in triage's CPU time
  (getrusage before and after: its own work, any garbage collection in it, and what its helper
  threads ran meanwhile), without the time its thread waited for a core. With two cores and seven
  busy processes the scheduler suspends a running thread now and then for a few milliseconds, and
  the wall time counts that wait wherever it falls; the CPU time is what triage itself spends;
- **handler** (\`chuishao_consumer_handle_seconds\`): the handler's call for one message (the check
  and JSON; the batch's statements run at its end).

| offered | batch p50 | batch p99 | decision p50 | decision p99 | decision, CPU p50 | decision, CPU p99 | handler p50 | handler p99 | messages | target: p99 < 2 ms |
|---|---|---|---|---|---|---|---|---|---|---|
${r.lats.map((l) => `| ${l.rate}/s | ${sec(l.triage.p50)} | **${sec(l.triage.p99)}** | ${sec(l.decision.p50)} | **${sec(l.decision.p99)}** | ${sec(l.decisionCpu.p50)} | **${sec(l.decisionCpu.p99)}** | ${sec(l.handler.p50)} | ${sec(l.handler.p99)} | ${l.triage.count} | ${l.rate === RATE ? `batch ${pass(l.triage.p99 !== undefined && l.triage.p99 <= 0.002)}, decision ${pass(l.decision.p99 !== undefined && l.decision.p99 <= 0.002)}, its CPU ${pass(l.decisionCpu.p99 !== undefined && l.decisionCpu.p99 <= 0.002)}` : ''} |`).join('\n')}

The pure rule engine \`triage()\`: ${r.perCallUs.toFixed(2)} µs per whistle (100,000 calls).
`;
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  let extra = '';
  let mechanisms = '';
  if (fs.existsSync(file)) {
    const old = fs.readFileSync(file, 'utf8');
    const i = old.indexOf('\n## Assessment');
    if (i >= 0) extra = old.slice(i);
    // the last --compare's section stays (it has its own date, machine line and pgbench)
    mechanisms = sectionOf(old, MECHANISMS_HEADING);
  }
  fs.writeFileSync(file, `${md}\n${publicBoardMarkdown(r.publicBoard)}${mechanisms ? `\n${mechanisms}` : ''}${extra}`);
}

// --compare[=names]: the pipeline with each performance mechanism switched off, side by side with all on (scripts/bench/compare.js)
(args.compare !== undefined ? require('./bench/compare').runCompare({ args, bench: __filename, tuningOff: TUNING_OFF }) : KAFKA_MODE === 'both' ? both() : main()).catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});

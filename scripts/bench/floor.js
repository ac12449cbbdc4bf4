#!/usr/bin/env node
// The architecture's floor (issue #27 item 6): what a chain of three consumer → commit → produce
// hops costs on this machine with none of the services' code in it — the least a whistle's way
// through intake's relay, triage and dispatch can cost with this architecture (Kafka between the
// stages, each stage committing its events with their outbox rows in PostgreSQL before it publishes).
//
//   npx tsc -p tsconfig.build.json && node scripts/bench/floor.js [--rates=50,100] [--seconds=20]
//     [--capacity-seconds=15] [--window=5000] [--rounds=1] [--warmup-seconds=10] [--db-socket=off]
//   (also run by `npm run bench`, with the system stopped, at a quarter of the pipeline's capacity:
//   docs/benchmarks.md; alone, it uses a scratch database and topic prefix of its own, and the broker
//   of KAFKA_BROKERS/KAFKA_SASL_* if set, else the project's own as chuishao-admin)
//
// generator → T0 → hop 1 → T1 → hop 2 → T2 → hop 3 → T3 → observer. Each topic has 6 partitions (the
// services' KAFKA_PARTITIONS); the messages are ~600 B of JSON keyed by their id. Each hop is a Node
// process of its own, as each service is, with a kafkajs consumer in a group of its own (the
// services' consumer settings, `consumerConfig`; the kafkajs idle-loop patch as in the services;
// the partitions' batches handled concurrently, as the services' consumers do, each on a PostgreSQL
// connection of its own). For each batch kafkajs hands it (eachBatch: one partition's messages of one fetch):
//   1. ONE transaction, committed synchronously (the server's synchronous_commit=on): a row per
//      message in `events` and one per message in `outbox`, the tables of the pgbench baseline
//      (deploy/bench/pgbench-baseline.sh), in one statement — the INSERT into events feeds the
//      INSERT into outbox (a data-modifying CTE), no BEGIN/COMMIT round trips, as intake writes;
//   2. the messages produced on to the next topic by an idempotent producer (acks=all, one request
//      in flight, one send at a time), as the relays produce;
//   3. the outbox rows deleted (one statement on a second connection with synchronous_commit=off,
//      as the relays delete theirs) and the batch's offset committed, the two at once.
// Latency = from the generator's send to the observer's receipt (one process, one clock). Capacity =
// messages through all three hops per second at saturation: a closed loop on the chain that keeps
// `window` messages between the generator and the observer (sent 100 to a request as room frees up),
// counted until the last one came through. The loop is on the chain, not on the generator's sends:
// 32 senders of one message at a time (as the bench's 32 HTTP clients send whistles) measured the
// generator, ~2,200/s on this machine with the chain idling behind it. The figure grows with the
// window while the hops' batches grow; 4,000–8,000 gave the same here (1,000: ~60 % of it), so
// 5,000 it is.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { Client, Pool } = require('pg');
const { ROOT, stopProcess, localKafkaEnv } = require('../lib/stack');
const { parseArgs, log, pct, median, ms, sleep, cpuMs, cpuMsOf, pgSocket, kafkaClients } = require('./common');

const HOPS = 3;
const PARTITIONS = 6;
const dist = (p) => require(path.join(ROOT, 'dist', p));

/** The pgbench baseline's two tables (deploy/bench/baseline-tables.sql), in a schema per hop. */
const schemaSql = (schema) =>
  `CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};\n${fs.readFileSync(path.join(ROOT, 'deploy/bench/baseline-tables.sql'), 'utf8')}\nRESET search_path;`;

/** A hop's write: one statement, its own transaction — an event row and an outbox row per message (the pgbench baseline's rows). */
const APPEND = `
WITH e AS (
  INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata, prev_hash, hash)
  SELECT gen_random_uuid(), 'floor-' || m.key, 1, 'FloorPassed', m.value::jsonb,
         jsonb_build_object('correlationId', m.key, 'schemaVersion', 1),
         repeat('0', 64), encode(sha256(convert_to(m.value, 'UTF8')), 'hex')
    FROM unnest($1::text[], $2::text[]) AS m(key, value)
  RETURNING global_position, event_id, stream_id, type, data, metadata, occurred_at, hash)
INSERT INTO outbox (topic, key, payload)
SELECT $3, stream_id, jsonb_build_object('eventId', event_id, 'type', type, 'streamId', stream_id, 'position', global_position,
                                         'occurredAt', occurred_at, 'data', data, 'metadata', metadata, 'hash', hash)
  FROM e
RETURNING id`;

/** One hop, in its own process (`floor.js --hop`, its settings in FLOOR_HOP and the Kafka client's in KAFKA_*). */
async function runHop() {
  const o = JSON.parse(process.env.FLOOR_HOP);
  const { consumerConfig } = dist('libs/shared/messaging/src/kafka-event.options.js');
  const { oneSendAtATime } = dist('libs/shared/messaging/src/kafka.js'); // (loads the idle-loop patch, as in the services)
  const client = kafkaClients(process.env)(`floor-hop-${o.n}`);
  const pool = new Pool({ connectionString: o.databaseUrl, max: PARTITIONS, options: `-c search_path=${o.schema}` });
  const deleter = new Client({ connectionString: o.databaseUrl, options: `-c search_path=${o.schema} -c synchronous_commit=off` });
  await deleter.connect();
  let deletes = Promise.resolve();
  const producer = oneSendAtATime(client.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }));
  await producer.connect();
  const consumer = client.consumer(consumerConfig({ groupId: o.group }));
  await consumer.connect();
  await consumer.subscribe({ topic: o.from, fromBeginning: true });
  const fail = (err) => {
    process.stderr.write(`floor hop ${o.n}: ${err.stack || err}\n`);
    process.exit(1);
  };
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      const messages = batch.messages;
      if (messages.length === 0) return;
      try {
        const keys = messages.map((m) => m.key.toString());
        const { rows } = await pool.query(APPEND, [keys, messages.map((m) => m.value.toString()), o.to]);
        await producer.send({ topic: o.to, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
        // (the batches' deletes queue on the one connection, one after another)
        deletes = deletes.then(() => deleter.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]));
        await Promise.all([
          deletes,
          consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]),
        ]);
      } catch (err) {
        fail(err);
      }
    },
  });
  process.once('SIGTERM', async () => {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await deleter.end().catch(() => undefined);
    process.exit(0);
  });
}

/** A message of the generator: ~600 B of JSON, like the pgbench baseline's event data. */
const payload = (id) =>
  JSON.stringify({
    id,
    situationCode: 'PUBLIC_SERVICE_HEATING_OUTAGE',
    title: '小区供暖中断，多户居民反映室温过低',
    description: '居民反映暖气不热，约120户受影响，请尽快到场排查。',
    location: { address: '和平区南京路与营口道交口附近某小区3号楼', communityId: 'community-3-01', lat: 39.12, lng: 117.2 },
    requestedDepartments: ['dept-heating', 'dept-housing'],
    hints: { lifeSafety: false, householdsAffected: 120 },
    streetId: 'street-3',
    attachments: [{ url: `https://files.example.org/p/${id}.jpg`, kind: 'photo' }],
  });

/**
 * The floor's chain, running: its topics (under `prefix`), tables (in `databaseUrl`'s database, a
 * schema per hop), hop processes, the generator's producer and the observer's consumer; `kafka` the
 * client settings (KAFKA_BROKERS, KAFKA_SASL_*) of a principal that may create and use the topics.
 */
async function startFloor({ kafka, databaseUrl, prefix }) {
  const client = kafkaClients(kafka);
  const topics = Array.from({ length: HOPS + 1 }, (_, i) => `${prefix}.floor.${i}`);
  const admin = client('floor-admin').admin();
  await admin.connect();
  await dist('libs/shared/messaging/src/index.js').ensureTopics(admin, topics.map((name) => ({ name, partitions: PARTITIONS, retention: 3600000 })));
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  for (let n = 1; n <= HOPS; n++) await db.query(schemaSql(`floor_${n}`));
  await db.end();

  const hops = [];
  const groups = Array.from({ length: HOPS }, (_, i) => `${prefix}.floor-hop-${i + 1}`);
  const stop = async () => {
    await Promise.all(hops.map((h) => stopProcess(h)));
    await admin.deleteGroups([...groups, `${prefix}.floor-observer`]).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  };
  try {
    for (let n = 1; n <= HOPS; n++) {
      const settings = { n, from: topics[n - 1], to: topics[n], group: groups[n - 1], schema: `floor_${n}`, databaseUrl };
      const env = { ...process.env, ...kafka, FLOOR_HOP: JSON.stringify(settings) };
      delete env.CHUISHAO_TUNING_OFF; // the floor has no mechanisms to switch off
      const child = spawn(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-paths.js'), __filename, '--hop'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const hop = { name: `floor hop ${n}`, child };
      hop.ready = new Promise((resolve, reject) => {
        readline.createInterface({ input: child.stdout }).on('line', (l) => l === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`floor hop ${n} exited (${code}) before it was ready`)));
      });
      hops.push(hop);
    }
    await Promise.all(hops.map((h) => h.ready));
  } catch (err) {
    await stop();
    throw err;
  }
  for (const h of hops) h.child.once('exit', (code) => code !== 0 && code !== null && log(`  ${h.name} exited with ${code}`));

  const producer = client('floor-generator').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // the observer: a fresh group on the last topic, nothing committed, every partition's batch of a fetch at once (as bench.js's)
  const observer = client('floor-observer').consumer({ groupId: `${prefix}.floor-observer`, maxWaitTimeInMs: 100 });
  await observer.connect();
  await observer.subscribe({ topic: topics[HOPS], fromBeginning: true });
  let assigned = false;
  observer.on(observer.events.GROUP_JOIN, () => (assigned = true));
  let onSeen = () => undefined;
  await observer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 64,
    eachBatch: async ({ batch }) => {
      const now = process.hrtime.bigint();
      for (const m of batch.messages) onSeen(m.key.toString(), now);
    },
  });
  while (!assigned) await sleep(100);
  await sleep(1000);

  const alive = () => hops.every((h) => h.child.exitCode === null && h.child.signalCode === null);
  const cpu = () => ({
    ...Object.fromEntries(hops.map((h) => [h.name, cpuMs(h.child.pid)])),
    postgres: cpuMsOf(/^postgres/),
    kafka: cpuMsOf(/^java$/),
    'generator and observer': (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  });
  const perMessage = (before, after, n) => Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / Math.max(1, n)]));
  /** Until every message sent has been seen, or nothing new was seen for `stallMs`. */
  const drained = async (seen, sent, stallMs = 30000) => {
    let count = seen.size;
    let since = Date.now();
    while (seen.size < sent && alive()) {
      await sleep(50);
      if (seen.size !== count) [count, since] = [seen.size, Date.now()];
      else if (Date.now() - since > stallMs) break;
    }
    if (!alive()) throw new Error('a floor hop exited');
  };

  return {
    topics,
    /** Open loop: `rate` messages a second for `seconds`, each sent alone at its time. */
    async latency(rate, seconds) {
      const tag = `l${rate}-${Date.now().toString(36)}`;
      const sent = new Map();
      const acked = new Map();
      const seen = new Map();
      onSeen = (id, now) => sent.has(id) && !seen.has(id) && seen.set(id, now);
      const before = cpu();
      const total = Math.round(rate * seconds);
      const start = Date.now();
      const inflight = [];
      for (let n = 0; n < total; n++) {
        const wait = start + (n * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
        const id = `${tag}-${n}`;
        sent.set(id, process.hrtime.bigint());
        inflight.push(producer.send({ topic: topics[0], acks: -1, messages: [{ key: id, value: payload(id) }] }).then(() => acked.set(id, process.hrtime.bigint())));
      }
      await Promise.all(inflight);
      const offered = total / ((Date.now() - start) / 1000);
      await drained(seen, sent.size);
      const after = cpu();
      const fromSend = [];
      const fromAck = [];
      for (const [id, t] of sent) {
        if (!seen.has(id)) continue;
        fromSend.push(Number(seen.get(id) - t) / 1e6);
        fromAck.push(Number(seen.get(id) - acked.get(id)) / 1e6);
      }
      fromSend.sort((a, b) => a - b);
      fromAck.sort((a, b) => a - b);
      return { rate, offered, sent: sent.size, missing: sent.size - seen.size, p50: pct(fromSend, 50), p99: pct(fromSend, 99), ackP50: pct(fromAck, 50), ackP99: pct(fromAck, 99), cpu: perMessage(before, after, seen.size) };
    },
    /**
     * Closed loop: `window` messages kept between the generator and the observer (sent in chunks
     * of up to 100 as room frees up) for `seconds`; capacity = messages seen / the time from the
     * first send to the last one seen (the drain of the last window included).
     */
    async capacity(seconds, window = 5000) {
      const tag = `c-${Date.now().toString(36)}`;
      const seen = new Set();
      let last = Date.now();
      let wake;
      onSeen = (id) => {
        if (!id.startsWith(tag) || seen.has(id)) return;
        seen.add(id);
        last = Date.now();
        const w = wake;
        wake = undefined;
        w?.();
      };
      const before = cpu();
      const start = Date.now();
      let sent = 0;
      while (Date.now() < start + seconds * 1000) {
        if (!alive()) throw new Error('a floor hop exited');
        const room = window - (sent - seen.size);
        if (room < Math.min(100, window)) {
          await new Promise((r) => {
            wake = r;
            setTimeout(r, 100);
          });
          continue;
        }
        const messages = Array.from({ length: Math.min(100, room) }, (_, i) => `${tag}-${sent + i}`).map((id) => ({ key: id, value: payload(id) }));
        sent += messages.length;
        await producer.send({ topic: topics[0], acks: -1, messages });
      }
      await drained(seen, sent);
      const after = cpu();
      const elapsed = (last - start) / 1000;
      return { window, sent, seen: seen.size, missing: sent - seen.size, seconds: elapsed, rate: seen.size / elapsed, cpu: perMessage(before, after, seen.size) };
    },
    async stop() {
      await observer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await stop();
    },
  };
}

/** Each rate's rounds as one: p50/p99 the median of the rounds, with their range; CPU the mean. */
function combineFloorRounds(rate, runs) {
  const figures = ['p50', 'p99', 'ackP50', 'ackP99'];
  return {
    rate,
    rounds: runs.length,
    offered: runs.reduce((a, r) => a + r.offered, 0) / runs.length,
    sent: runs.reduce((a, r) => a + r.sent, 0),
    missing: runs.reduce((a, r) => a + r.missing, 0),
    ...Object.fromEntries(figures.map((f) => [f, median(runs.map((r) => r[f]))])),
    range: Object.fromEntries(figures.map((f) => [f, [Math.min(...runs.map((r) => r[f])), Math.max(...runs.map((r) => r[f]))]])),
    cpu: Object.fromEntries(Object.keys(runs[0].cpu).map((k) => [k, runs.reduce((a, r) => a + r.cpu[k], 0) / runs.length])),
  };
}

const cpuLine = (cpu) => `${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}; total ${Object.values(cpu).reduce((a, b) => a + b, 0).toFixed(2)}`;

/**
 * The floor measured: warmed up (`warmupSeconds` at 50/s, not measured), each of `rates` open loop
 * for `latencySeconds`, every rate once per round, then its capacity (closed loop for
 * `capacitySeconds`). Returns { capacity, lats } (lats: per rate, the median of the rounds).
 */
async function runFloor({ kafka, databaseUrl, prefix, rates = [], latencySeconds = 20, capacitySeconds = 15, window = 5000, rounds = 1, warmupSeconds = 10 }) {
  log(`the floor: ${HOPS} minimal consumer → commit → produce hops (scripts/bench/floor.js), topics ${prefix}.floor.*`);
  const floor = await startFloor({ kafka, databaseUrl, prefix });
  try {
    if (warmupSeconds > 0) {
      log(`  warm-up: 50 messages/s for ${warmupSeconds} s (not measured) ...`);
      await floor.latency(50, warmupSeconds);
    }
    const runs = new Map(rates.map((r) => [r, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const rate of rates) {
        log(`  latency: ${rate} messages/s offered for ${latencySeconds} s${rounds > 1 ? ` (round ${round} of ${rounds})` : ''} ...`);
        const l = await floor.latency(rate, latencySeconds);
        log(`  send → seen after ${HOPS} hops p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms (from the generator's ack p50 ${ms(l.ackP50)}, p99 ${ms(l.ackP99)}); offered ${l.offered.toFixed(0)}/s, missing ${l.missing}; CPU ms per message: ${cpuLine(l.cpu)}`);
        runs.get(rate).push(l);
      }
    }
    // the capacity last: its burst (tens of thousands of rows a hop) leaves the machine busy writing
    // for a while (on this machine a run at 104/s right after it gave 12 and 44 ms p50, 5–9 ms otherwise)
    log(`  capacity: closed loop, ${window} messages in the chain, ${capacitySeconds} s ...`);
    const capacity = await floor.capacity(capacitySeconds, window);
    log(`  ${capacity.rate.toFixed(0)} messages/s through all ${HOPS} hops (${capacity.seen} in ${capacity.seconds.toFixed(1)} s, ${capacity.missing} not seen); CPU ms per message: ${cpuLine(capacity.cpu)}`);
    return { hops: HOPS, partitions: PARTITIONS, capacity, lats: rates.map((rate) => combineFloorRounds(rate, runs.get(rate))) };
  } finally {
    await floor.stop();
  }
}

/**
 * docs/benchmarks.md's section on the floor and the pipeline against it (bench.js's written report):
 * `capacity` the pipeline's (bench.js `pipelineCapacity`), `lats` the pipeline's latency runs (one at
 * `quarter`), `floor` what runFloor returned (undefined: not measured).
 */
function floorMarkdown({ capacity, quarter, floor, lats, pgbenchTps, concurrency, seconds }) {
  if (!capacity) return '';
  const pg = Number(pgbenchTps);
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  const span = (l, f) => (l?.rounds > 1 ? ` (${l.range[f].map((x) => x.toFixed(1)).join('–')})` : '');
  const cpu = (c) => (c ? Object.values(c).reduce((a, b) => a + b, 0).toFixed(1) : 'n/a');
  const pipe = lats.find((l) => l.rate === quarter);
  const fl = floor?.lats.find((l) => l.rate === quarter);
  const floorCapacity = floor?.capacity.rate;
  return `## The floor of this architecture, and the pipeline against it

**The pipeline's capacity** is whistles that went all the way — their DepartmentsSummoned seen on the
bus — per second at saturation: the closed loop of (a) direct to intake (${concurrency} clients, ${seconds} s)
with the whole pipeline running, while a consumer notes each whistle's DepartmentsSummoned; the
count is divided by the time from the loop's start to the last one seen, so the drain of what was
accepted is in it (a pipeline that only accepted fast would not look fast). This run:
**${capacity.rate.toFixed(0)} whistles/s** (${capacity.summoned} summoned in ${capacity.seconds.toFixed(1)} s, the last ${capacity.drainSeconds.toFixed(1)} s after the loop ended${capacity.missing ? `; ${capacity.missing} accepted not seen` : ''}).

**The floor** (\`scripts/bench/floor.js\`; measured in the same run, with the system stopped, on the
same broker, database and connection): three minimal kafkajs consumers in a chain, each its own Node
process, each committing every batch it gets in one transaction — a row per message in the pgbench
baseline's \`events\` and one in its \`outbox\` — then producing the messages on (idempotent,
acks=all), deleting the outbox rows and committing the offset. It is what three consumer → commit →
produce hops cost on this machine with none of the services' code in them: the least a whistle's way
(intake's relay, triage, dispatch) can cost with this architecture. Its latency runs from the
generator's send to an observer's receipt after the third hop; its capacity is messages through all
three per second with ${floor ? floor.capacity.window : 'n'} messages kept in the chain (a closed loop on the chain), counted
until the last one came through.${floor ? '' : ' **Not measured in this run** (\`--floor=off\`).'}

| capacity | per second | against pgbench |
|---|---|---|
| pgbench: one transaction = one event row + one outbox row (the baseline above) | ${pgbenchTps ?? 'n/a'} tps | 1 |
| the floor: messages through three hops | ${floorCapacity?.toFixed(0) ?? 'n/a'} | ${ratio(floorCapacity, pg)} |
| the pipeline: whistles summoned | **${capacity.rate.toFixed(0)}** | **${ratio(capacity.rate, pg)}** (${ratio(capacity.rate, floorCapacity)} the floor's) |

At a quarter of the pipeline's capacity, ${quarter}/s offered, open loop (${pipe?.rounds > 1 ? `the median of ${pipe.rounds} rounds each, the range in brackets` : 'one round each'}; the pipeline's
row is its row of (b)):

| at ${quarter}/s | p50 | p99 | p50 against the floor's | CPU ms a message (whistle), all processes |
|---|---|---|---|---|
| the floor: send → seen after three hops | ${ms(fl?.p50)} ms${span(fl, 'p50')} | ${ms(fl?.p99)} ms | 1 | ${cpu(fl?.cpu)} |
| the pipeline: accept (201) → DepartmentsSummoned seen | **${ms(pipe?.acceptP50)} ms**${span(pipe, 'acceptP50')} | ${ms(pipe?.acceptP99)} ms | **${ratio(pipe?.acceptP50, fl?.p50)}** | ${cpu(pipe?.cpu)} |
| the pipeline: blown → summoned (event times) | ${ms(pipe?.blownP50)} ms${span(pipe, 'blownP50')} | ${ms(pipe?.blownP99)} ms | **${ratio(pipe?.blownP50, fl?.p50)}** | |

The paths differ a little: the floor's runs from the generator's produce through three commits and
three produces; the pipeline's from the 201 starts after intake's commit (its relay's produce,
triage's and dispatch's commits and produces follow); blown → summoned runs from intake's decision
(before its commit) to dispatch's (before its commit and produce).
`;
}

/** `node scripts/bench/floor.js`: the floor alone, on a scratch database and topic prefix of its own. */
async function standalone(args) {
  const socket = pgSocket(args);
  const stamp = Date.now().toString(36);
  const dbName = `chuishao_floor_${stamp}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  try {
    const kafka = process.env.KAFKA_BROKERS ? { ...process.env } : localKafkaEnv('chuishao-admin');
    const r = await runFloor({
      kafka,
      databaseUrl: socket.url(dbName),
      prefix: `floor${stamp}`,
      rates: String(args.rates ?? '50').split(',').map(Number),
      latencySeconds: Number(args.seconds ?? 20),
      capacitySeconds: Number(args['capacity-seconds'] ?? 15),
      window: Number(args.window ?? 5000),
      rounds: Math.max(1, Number(args.rounds ?? 1)),
      warmupSeconds: Number(args['warmup-seconds'] ?? 10),
    });
    log(`\nfloor capacity: ${r.capacity.rate.toFixed(0)} messages/s through ${r.hops} hops`);
    for (const l of r.lats) log(`floor at ${l.rate}/s: p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms${l.rounds > 1 ? ` (p50 ${ms(l.range.p50[0])}–${ms(l.range.p50[1])})` : ''}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

module.exports = { runFloor, startFloor, floorMarkdown };

if (require.main === module) {
  require('../register-paths');
  const args = parseArgs(process.argv.slice(2));
  (args.hop ? runHop() : standalone(args)).catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
  });
}

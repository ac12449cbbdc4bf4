// What scripts/bench.js, scripts/bench/floor.js and scripts/bench/compare.js share: their options,
// percentiles and medians, CPU time from /proc, the machine's description and speed probe, the
// pgbench baseline, Kafka clients with the project's connection settings, and the names of the
// performance mechanisms a run can switch off (CHUISHAO_TUNING_OFF, libs/shared/platform/src/tuning.ts).
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { KAFKA_SH, ROOT } = require('../lib/stack');

/** `--name=value` (and `--flag`, as 'true') into an object. */
const parseArgs = (argv) => Object.fromEntries(argv.map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']));

const log = (m) => process.stdout.write(`${m}\n`);

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const sleep = (t) => new Promise((r) => setTimeout(r, t));

/**
 * CPU time (ms) used so far by a process, from /proc (Linux; 0 elsewhere); with `reaped`, also that
 * of its children that have exited (PostgreSQL's postmaster accounts the backends that ended).
 */
function cpuMs(pid, reaped = false) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0); // utime stime [cutime cstime]
    return (ticks * 1000) / 100; // clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** CPU time (ms) of every process whose name matches, summed (PostgreSQL backends, Kafka's JVM). */
function cpuMsOf(name) {
  let total = 0;
  for (const d of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (name.test(stat.slice(stat.indexOf('(') + 1, stat.indexOf(')')))) total += cpuMs(d, true);
    } catch {
      /* gone */
    }
  }
  return total;
}

/**
 * A fixed piece of single-threaded work (SHA-256 chain and JSON round trips), in ms: this kind of
 * machine runs the same code up to twice as fast one hour as the next, so a run says how fast the
 * machine was at its start and at its end (lower is faster) and runs can be compared.
 */
function speedProbe() {
  const t = process.hrtime.bigint();
  let x = Buffer.alloc(64);
  for (let i = 0; i < 200000; i++) x = crypto.createHash('sha256').update(x).digest();
  for (let i = 0; i < 300000; i++) JSON.parse(JSON.stringify({ a: i, b: `x${i}`, c: [1, 2, 3] }));
  return Math.round(Number(process.hrtime.bigint() - t) / 1e6);
}

/**
 * How the processes a run starts reach PostgreSQL: through its Unix socket when the host has one (as
 * a co-located deployment would: no TCP stack per round trip, ~7–10 % less CPU here), unless
 * `--db-socket=off` keeps TCP on 127.0.0.1.
 */
function pgSocket(args) {
  const dir = ['/var/run/postgresql', '/tmp'].find((d) => fs.existsSync(path.join(d, '.s.PGSQL.5432')));
  const use = args['db-socket'] !== 'off' && dir !== undefined;
  return { dir, use, url: (db) => (use ? `postgres://postgres@localhost/${db}?host=${dir}` : `postgres://postgres@127.0.0.1:5432/${db}`) };
}

function machine(socket) {
  const cpus = os.cpus();
  const pg = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'show server_version'], { encoding: 'utf8' }).stdout.trim();
  const sc = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'show synchronous_commit'], { encoding: 'utf8' }).stdout.trim();
  const av = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'show autovacuum'], { encoding: 'utf8' }).stdout.trim();
  const kafkaVersion = (fs.readFileSync(KAFKA_SH, 'utf8').match(/KAFKA_VERSION:-([0-9.]+)/) || [])[1] || '?';
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? '?'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    autovacuum: av,
    postgres: `${pg} (synchronous_commit=${sc}, autovacuum=${av}${av === 'off' ? ': the run analyzes its database once, after the warm-ups' : ''}); services connect ${socket.use ? `through the Unix socket in ${socket.dir}` : 'over TCP 127.0.0.1:5432'}`,
    kafka: `Apache Kafka ${kafkaVersion}, KRaft single node, acks=all`,
  };
}

/** pgbench on a one-transaction event + outbox insert (deploy/bench/pgbench-baseline.sh): its tps, as printed. */
function runPgbench(seconds = 10) {
  const pgb = spawnSync('bash', [path.join(ROOT, 'deploy/bench/pgbench-baseline.sh')], { encoding: 'utf8', env: { ...process.env, PGBENCH_SECONDS: String(seconds) } });
  return (pgb.stdout.match(/tps = ([0-9.]+)/) || [])[1];
}

/** kafkajs clients (one per clientId) with the project's connection settings (KAFKA_BROKERS, SASL, TLS) from `settings`. */
function kafkaClients(settings) {
  const { Kafka, logLevel } = require('kafkajs');
  const { KafkaClientConfig, loadConfig } = require(path.join(ROOT, 'dist/libs/shared/platform/src/index.js'));
  const { kafkaConnection } = require(path.join(ROOT, 'dist/libs/shared/messaging/src/index.js'));
  const connection = kafkaConnection(loadConfig(KafkaClientConfig, settings));
  return (clientId) => new Kafka({ clientId, ...connection, logLevel: logLevel.NOTHING });
}

/** The performance mechanisms a run can switch off, name → ADR (TUNINGS, read from the compiled tree). */
const tunings = () => require(path.join(ROOT, 'dist/libs/shared/platform/src/tuning.js')).TUNINGS;

/** The names in `value` (a comma list), checked against TUNINGS as the services check them (an unknown name throws). */
const tuningOff = (value) => [...require(path.join(ROOT, 'dist/libs/shared/platform/src/tuning.js')).parseTuningOff(value)];

module.exports = { parseArgs, log, pct, median, ms, sleep, cpuMs, cpuMsOf, speedProbe, pgSocket, machine, runPgbench, kafkaClients, tunings, tuningOff };

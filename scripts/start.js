#!/usr/bin/env node
// `npm start`: Kafka (unless KAFKA_BROKERS is given), PostgreSQL check, the four services (each
// migrates its own schema at boot), the gateway and the console on http://127.0.0.1:8080.
// Foreground by default (Ctrl-C stops everything gracefully, Kafka too if this start brought it
// up); `npm start -- --detach` returns once healthy and `npm stop` stops the processes later.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, SERVICES, startProcess, waitForHealth, stopProcess, startLocalKafka, stopLocalKafka, localKafkaEnv, clearKafkaClientVars } = require('./lib/stack');

const detach = process.argv.includes('--detach') || process.env.CHUISHAO_DETACH === '1';
// CHUISHAO_DATA_DIR: where the pid files, logs and dev JWT secret go (default .data; the tests use their own)
const dataDir = process.env.CHUISHAO_DATA_DIR || path.join(ROOT, '.data');
const runDir = path.join(dataDir, 'run');
const logDir = path.join(dataDir, 'logs');
fs.mkdirSync(runDir, { recursive: true });

function say(msg) {
  process.stdout.write(`${msg}\n`);
}

function devSecret() {
  if (process.env.CHUISHAO_JWT_SECRET) return process.env.CHUISHAO_JWT_SECRET;
  const file = path.join(dataDir, 'dev-jwt-secret');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600 });
    say(`生成开发用 JWT 密钥 / created a dev JWT secret in ${path.relative(ROOT, file)}`);
  }
  return fs.readFileSync(file, 'utf8').trim();
}

async function main() {
  const t0 = Date.now();
  for (const f of fs.readdirSync(runDir)) {
    const pid = Number(fs.readFileSync(path.join(runDir, f), 'utf8'));
    try { process.kill(pid, 0); say(`已在运行 / already running (${f.replace('.pid', '')} pid ${pid}); run \`npm stop\` first`); process.exit(1); } catch { fs.rmSync(path.join(runDir, f)); }
  }
  let brokers = process.env.KAFKA_BROKERS;
  // Kafka that this start brings up goes down with Ctrl-C; one that was running already stays
  let startedKafka = false;
  // each service's Kafka settings: from the environment with KAFKA_BROKERS (KAFKA_SASL_* as given);
  // on the project's own secured broker, the service's own principal chuishao-<service> (ADR 0021)
  let kafkaEnvOf = () => ({});
  let kafkaMode = process.env.KAFKA_SASL_USERNAME ? `SASL, ${process.env.KAFKA_SASL_USERNAME}` : 'PLAINTEXT';
  if (!brokers) {
    say('启动 Kafka / starting Kafka (first run downloads it from Maven Central) ...');
    startedKafka = startLocalKafka();
    clearKafkaClientVars(process.env); // a shell's settings for another broker must not reach the services
    kafkaEnvOf = (name) => (name === 'gateway' ? {} : localKafkaEnv(`chuishao-${name}`));
    const admin = localKafkaEnv();
    brokers = admin.KAFKA_BROKERS;
    kafkaMode = admin.KAFKA_SASL_USERNAME ? `${admin.KAFKA_TLS ? 'SASL_SSL' : 'SASL_PLAINTEXT'}, SCRAM-SHA-512, ACLs; 凭据 credentials: npm run kafka -- client-env <principal>` : 'PLAINTEXT (--plaintext)';
  }
  const stopKafka = () => {
    if (!startedKafka || detach) return;
    say('停止 Kafka / stopping Kafka (started by this npm start) ...');
    stopLocalKafka();
  };
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/chuishao';
  // the server's own database, with the rest of the URL kept (a Unix socket's ?host=/dir included)
  const probeUrl = new URL(databaseUrl);
  probeUrl.pathname = '/postgres';
  const pg = spawnSync('pg_isready', ['-d', probeUrl.toString()], { encoding: 'utf8' });
  if (pg.status !== 0 && pg.error === undefined) {
    say(`PostgreSQL 不可达 / PostgreSQL is not reachable at ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}: ${pg.stdout || pg.stderr}`);
    process.exit(1);
  }
  const ports = {
    gateway: Number(process.env.PORT || 8080),
    intake: Number(process.env.INTAKE_PORT || 8081),
    triage: Number(process.env.TRIAGE_PORT || 8082),
    dispatch: Number(process.env.DISPATCH_PORT || 8083),
    assessment: Number(process.env.ASSESSMENT_PORT || 8084),
  };
  const env = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    CHUISHAO_JWT_SECRET: devSecret(),
    HOST: process.env.HOST || '127.0.0.1',
    CONSOLE_DIR: path.join(ROOT, 'apps/console/public'),
  };
  const procs = [];
  let stopping = 0;
  const stopAll = async () => {
    if (stopping) {
      // npm forwards the terminal's SIGINT as well: one Ctrl-C can arrive twice. A later one forces:
      // a second signal makes each service exit at once.
      if (Date.now() - stopping < 1000) return;
      say('再次收到信号，强制停止 / signalled again: forcing the services to exit');
      for (const p of procs) p.child.kill('SIGTERM');
      return;
    }
    stopping = Date.now();
    say('\n正在停止 / stopping ...');
    await Promise.all(procs.map((p) => stopProcess(p)));
    for (const p of procs) fs.rmSync(path.join(runDir, `${p.name}.pid`), { force: true });
    stopKafka();
    process.exit(0);
  };
  if (!detach) {
    process.on('SIGINT', stopAll);
    process.on('SIGTERM', stopAll);
    process.on('SIGHUP', stopAll);
  }
  for (const name of [...SERVICES, 'gateway']) {
    // Each service in its own process group, also in the foreground: Ctrl-C signals the terminal's
    // group, and a service that got that SIGINT and then stopAll's SIGTERM took the second signal
    // for "force exit now" (exit 143, in-flight work and offsets dropped). Now only this script
    // gets the Ctrl-C, and each service exactly one SIGTERM.
    const p = startProcess(name, { env: { ...env, ...kafkaEnvOf(name) }, ports, logDir, detached: true });
    fs.writeFileSync(path.join(runDir, `${name}.pid`), String(p.child.pid));
    p.child.on('exit', (code, sig) => {
      if (!detach) say(`${name} exited (${code ?? sig}); see ${path.relative(ROOT, p.logFile)}`);
    });
    procs.push(p);
  }
  try {
    await Promise.all(SERVICES.map((s) => waitForHealth(`http://127.0.0.1:${ports[s]}/health`, 120000, () => procs.find((p) => p.name === s).child.exitCode === null)));
    await waitForHealth(`http://127.0.0.1:${ports.gateway}/health`, 30000);
  } catch (e) {
    say(`启动失败 / start failed: ${e.message}\n日志 / logs: ${path.relative(ROOT, logDir)}/`);
    await Promise.all(procs.map((p) => stopProcess(p)));
    stopKafka();
    process.exit(1);
  }
  const base = `http://127.0.0.1:${ports.gateway}`;
  say('');
  say(`吹哨报到 Chuishao 已启动 / is up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  say(`  控制台 Console          ${base}/`);
  say(`  接口 API               ${base}/api/v1`);
  say(`  接口文档 OpenAPI        ${base}/docs`);
  say(`  健康检查 Health         ${base}/health`);
  say(`  Open311                ${base}/open311/v2/services.json`);
  say(`  Kafka                  ${brokers} (${kafkaMode})`);
  say(`  PostgreSQL             ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')} (schemas intake, triage, dispatch, assessment)`);
  say(`  服务 Services          ${SERVICES.map((s) => `${s} :${ports[s]}`).join(', ')}  (metrics at /metrics on each)`);
  say(`  日志 Logs              ${path.relative(ROOT, logDir)}/<service>.log`);
  say(`  令牌 Token             npm run token -- street QUANYECHANG`);
  say(detach ? '已转入后台，`npm stop` 停止 / detached; stop with `npm stop`' : '按 Ctrl-C 停止 / Ctrl-C stops everything');
  if (detach) {
    for (const p of procs) p.child.unref();
    process.exit(0);
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});

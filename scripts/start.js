#!/usr/bin/env node
// `npm start`: Kafka (unless KAFKA_BROKERS is given), PostgreSQL check, the local OpenID Provider
// for sign-in on :8090 (unless CHUISHAO_OIDC_ISSUER is given), the four services (each migrates its
// own schema at boot), the gateway and the console on http://127.0.0.1:8080.
// Foreground by default (Ctrl-C stops everything gracefully, Kafka too if this start brought it
// up); `npm start -- --detach` returns once healthy and `npm stop` stops the processes later.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, SERVICES, startProcess, waitForHealth, stopProcess, startLocalKafka, stopLocalKafka, localKafkaEnv, clearKafkaClientVars } = require('./lib/stack');

const detach = process.argv.includes('--detach') || process.env.CHUISHAO_DETACH === '1';
// `--replicas N` (1–4): N instances of each consumer service, sharing its consumer groups; the
// further ones on the service's port + 10, + 20, ... (docs/scaling.md). The gateway talks to the first.
const replicasArg = process.argv.indexOf('--replicas');
const replicas = replicasArg > 0 ? Number(process.argv[replicasArg + 1]) : 1;
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 4) {
  process.stderr.write('--replicas takes a number from 1 to 4\n');
  process.exit(64);
}
// CHUISHAO_DATA_DIR: where the pid files, logs and dev JWT secret go (default .data; the tests use their own)
const dataDir = process.env.CHUISHAO_DATA_DIR || path.join(ROOT, '.data');
const runDir = path.join(dataDir, 'run');
const logDir = path.join(dataDir, 'logs');
fs.mkdirSync(runDir, { recursive: true });

function say(msg) {
  process.stdout.write(`${msg}\n`);
}

// Dev secrets: from the environment, else kept in the data dir (created once, mode 0600). The JWT
// secret and the feedback links' secret are distinct, so that rotating one voids nothing of the other.
function devSecret(envName, fileName, what) {
  if (process.env[envName]) return process.env[envName];
  const file = path.join(dataDir, fileName);
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600 });
    say(`生成开发用${what.zh} / created a dev ${what.en} in ${path.relative(ROOT, file)}`);
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
    kafkaEnvOf = (name) => (name === 'gateway' || name === 'dev-oidc' ? {} : localKafkaEnv(`chuishao-${name}`));
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
    // the gateway's internal listener: detailed health and metrics, loopback only
    internal: Number(process.env.CHUISHAO_INTERNAL_PORT || 9080),
    // the local OpenID Provider for development (contract §16), unless CHUISHAO_OIDC_ISSUER names another
    'dev-oidc': Number(process.env.CHUISHAO_DEV_OIDC_PORT || 8090),
  };
  const devOidc = !process.env.CHUISHAO_OIDC_ISSUER;
  const publicBase = process.env.CHUISHAO_PUBLIC_BASE_URL || `http://127.0.0.1:${ports.gateway}`;
  const issuer = process.env.CHUISHAO_OIDC_ISSUER || `http://127.0.0.1:${ports['dev-oidc']}`;
  // sign-in (docs/security.md): the gateway is the provider's client; the services verify the
  // provider's tokens through its JWKS and, with the dev secret, dev tokens (npm run token) too
  const signInEnv = {
    CHUISHAO_OIDC_ISSUER: issuer,
    CHUISHAO_OIDC_CLIENT_ID: process.env.CHUISHAO_OIDC_CLIENT_ID || 'chuishao-console',
    CHUISHAO_OIDC_CLIENT_SECRET: devSecret('CHUISHAO_OIDC_CLIENT_SECRET', 'dev-oidc-client-secret', { zh: '登录客户端密钥', en: 'sign-in client secret' }),
    CHUISHAO_SESSION_SECRET: devSecret('CHUISHAO_SESSION_SECRET', 'dev-session-secret', { zh: '会话密钥', en: 'session secret' }),
    CHUISHAO_OIDC_REDIRECT_URI: process.env.CHUISHAO_OIDC_REDIRECT_URI || `${publicBase.replace(/\/+$/, '')}/auth/callback`,
    ...(devOidc
      ? { CHUISHAO_JWKS_URL: `${issuer}/jwks`, CHUISHAO_JWT_ISSUER: issuer, CHUISHAO_JWT_AUDIENCE: process.env.CHUISHAO_JWT_AUDIENCE || 'chuishao', CHUISHAO_DATA_DIR: dataDir }
      : {}),
  };
  const env = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    CHUISHAO_JWT_SECRET: devSecret('CHUISHAO_JWT_SECRET', 'dev-jwt-secret', { zh: ' JWT 密钥', en: 'JWT secret' }),
    CHUISHAO_FEEDBACK_SECRET: devSecret('CHUISHAO_FEEDBACK_SECRET', 'dev-feedback-secret', { zh: '评价链接密钥', en: 'feedback link secret' }),
    HOST: process.env.HOST || '127.0.0.1', // the gateway's; the services always listen on loopback
    CONSOLE_DIR: path.join(ROOT, 'apps/console/public'),
    ...signInEnv,
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
  const instances = [...(devOidc ? [['dev-oidc', 1]] : []), ...SERVICES.flatMap((s) => Array.from({ length: replicas }, (_, i) => [s, i + 1])), ['gateway', 1]];
  for (const [name, instance] of instances) {
    // Each service in its own process group, also in the foreground: Ctrl-C signals the terminal's
    // group, and a service that got that SIGINT and then stopAll's SIGTERM took the second signal
    // for "force exit now" (exit 143, in-flight work and offsets dropped). Now only this script
    // gets the Ctrl-C, and each service exactly one SIGTERM.
    const p = startProcess(name, { env: { ...env, ...kafkaEnvOf(name) }, ports, logDir, detached: true, instance });
    fs.writeFileSync(path.join(runDir, `${p.name}.pid`), String(p.child.pid));
    p.child.on('exit', (code, sig) => {
      if (!detach) say(`${p.name} exited (${code ?? sig}); see ${path.relative(ROOT, p.logFile)}`);
    });
    procs.push(p);
  }
  try {
    const services = procs.filter((p) => p.service !== 'gateway');
    await Promise.all(services.map((p) => waitForHealth(`http://127.0.0.1:${p.port}/health`, 120000, () => p.child.exitCode === null)));
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
  if (devOidc) {
    say(`  登录 Sign-in           ${issuer} (开发身份提供方 dev OpenID Provider; 密码 password chuishao-dev)`);
    say(`                         账号 accounts: street.QUANYECHANG, department.FIRE_RESCUE, command-center, assessment-office, admin, … (<role>.<ORG CODE>)`);
  } else {
    say(`  登录 Sign-in           ${issuer}`);
  }
  say(`  接口 API               ${base}/api/v1`);
  say(`  接口文档 OpenAPI        ${base}/docs`);
  say(`  健康检查 Health         ${base}/health  (仅状态 statuses only)`);
  say(`  Open311                ${base}/open311/v2/services.json`);
  say(`  Kafka                  ${brokers} (${kafkaMode})`);
  say(`  PostgreSQL             ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')} (schemas intake, triage, dispatch, assessment)`);
  say(`  运维 Operators         http://127.0.0.1:${ports.internal}/health (详情 details), http://127.0.0.1:${ports.internal}/metrics  (仅本机 loopback only)`);
  say(`  服务 Services          ${procs.filter((p) => SERVICES.includes(p.service)).map((p) => `${p.name} :${p.port}`).join(', ')}  (仅本机 loopback; /health, /metrics on each)`);
  if (replicas > 1) say(`  副本 Replicas          ${replicas} of each consumer service, one consumer group each (chuishao_consumer_assigned_partitions in /metrics)`);
  say(`  日志 Logs              ${path.relative(ROOT, logDir)}/<service>.log`);
  say(`  接口令牌 API token     npm run token -- street QUANYECHANG  (API 客户端 for API clients; 控制台用登录 the console signs in)`);
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

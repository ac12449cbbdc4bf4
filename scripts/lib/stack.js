// Starts and stops the Chuishao processes (four services, the gateway and the development OpenID
// Provider `dev-oidc`) from the compiled tree.
// Used by `npm start` and by the end-to-end tests, so both run the system the same way.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SERVICES = ['intake', 'triage', 'dispatch', 'assessment'];

function entry(name) {
  return path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
}

/**
 * @param {object} o
 * @param {Record<string,string>} o.env          common environment (DATABASE_URL, KAFKA_BROKERS, CHUISHAO_JWT_SECRET, ...)
 * @param {Record<string,number>} o.ports         { gateway, intake, triage, dispatch, assessment, internal? } (internal: the gateway's internal listener)
 * @param {string} [o.logDir]                     where each process writes its JSON log (default: inherit stdout)
 * @param {number} [o.instance]                  a further instance of a service (2, 3, ...): its own port
 *                                                (o.ports[name] + 10 × (instance − 1) unless o.port), log
 *                                                and name; the same consumer groups (docs/scaling.md)
 * @param {number} [o.port]                       this process's port, instead of o.ports[name]
 */
function startProcess(name, o) {
  const isGateway = name === 'gateway';
  const instance = o.instance ?? 1;
  const label = instanceName(name, instance);
  const port = o.port ?? o.ports[name] + 10 * (instance - 1);
  const env = {
    ...process.env,
    ...o.env,
    PORT: String(port),
    ...(isGateway
      ? Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${o.ports[s]}`]))
      : {}),
    ...(isGateway && o.ports.internal !== undefined ? { CHUISHAO_INTERNAL_PORT: String(o.ports.internal) } : {}),
    // the services sit behind the gateway on this machine: loopback only, whatever HOST the gateway has
    ...(isGateway ? {} : { HOST: '127.0.0.1' }),
  };
  let stdio = 'inherit';
  let logFile;
  if (o.logDir) {
    fs.mkdirSync(o.logDir, { recursive: true, mode: 0o700 });
    logFile = path.join(o.logDir, `${label}.log`);
    // readable by its owner only (contract §10); chmod too, for a log file an older start created
    const fd = fs.openSync(logFile, 'a', 0o600);
    fs.fchmodSync(fd, 0o600);
    stdio = ['ignore', fd, fd];
  }
  // CHUISHAO_NODE_ARGS: extra node flags for the services (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  const nodeArgs = (process.env.CHUISHAO_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '-r', path.join(ROOT, 'scripts', 'register-paths.js'), entry(name)], {
    env,
    stdio,
    detached: !!o.detached,
  });
  return { name: label, service: name, instance, child, logFile, port };
}

/** `triage` for the first instance of a service, `triage-2` for the second, ... */
function instanceName(name, instance = 1) {
  return instance > 1 ? `${name}-${instance}` : name;
}

async function waitForHealth(url, timeoutMs, isAlive = () => true) {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    if (!isAlive()) throw new Error(`process exited before ${url} was healthy`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = String(e.message || e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms: ${last.slice(0, 500)}`);
}

function stopProcess(p, signal = 'SIGTERM', timeoutMs = 25000) {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      try { p.child.kill('SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    p.child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    try { p.child.kill(signal); } catch { clearTimeout(t); resolve(); }
  });
}

const KAFKA_SH = path.join(ROOT, 'deploy', 'kafka', 'kafka.sh');

/**
 * Starts the project's own Kafka (deploy/kafka/kafka.sh; one already running is reused). Returns
 * whether this call brought it up, so that the caller stops only a broker it started. Throws if it
 * could not be started.
 */
function startLocalKafka(env = process.env) {
  const wasRunning = spawnSync('bash', [KAFKA_SH, 'status'], { stdio: 'ignore', env }).status === 0;
  const r = spawnSync('bash', [KAFKA_SH, 'start'], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error('Kafka could not be started (see .data/kafka/logs/server.log)');
  return !wasRunning;
}

function stopLocalKafka(env = process.env) {
  spawnSync('bash', [KAFKA_SH, 'stop'], { stdio: 'inherit', env });
}

/**
 * The client settings of `principal` on the project's own (running) Kafka: KAFKA_BROKERS and, when
 * it is secured (the default, ADR 0021), KAFKA_SASL_USERNAME/PASSWORD/MECHANISM and KAFKA_TLS* from
 * its credentials file (`kafka.sh client-env`). Services get their own principal
 * (`chuishao-<service>`); tools, tests and the benchmark's own clients `chuishao-admin`.
 */
function localKafkaEnv(principal = 'chuishao-admin', env = process.env) {
  const r = spawnSync('bash', [KAFKA_SH, 'client-env', principal], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`no Kafka client settings for ${principal}: ${r.stderr.trim()}`);
  const out = {};
  for (const line of r.stdout.split('\n')) {
    const m = line.match(/^export ([A-Z_]+)=(.*)$/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Removes the Kafka client variables from `env` (before another principal's are put in). */
function clearKafkaClientVars(env) {
  for (const k of ['KAFKA_BROKERS', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_MECHANISM', 'KAFKA_TLS', 'KAFKA_TLS_CA_FILE']) delete env[k];
  return env;
}

module.exports = { ROOT, SERVICES, KAFKA_SH, startProcess, instanceName, waitForHealth, stopProcess, entry, startLocalKafka, stopLocalKafka, localKafkaEnv, clearKafkaClientVars };

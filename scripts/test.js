#!/usr/bin/env node
// `npm test`: every test, in order of cost. Type-check and build, lint (module boundaries), unit,
// integration (real PostgreSQL and Kafka), end-to-end (the whole system as processes, and the
// console in Chromium). Kafka comes from testcontainers when a Docker engine answers, otherwise
// from the project's own runner (deploy/kafka/kafka.sh), started here if needed and stopped again.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const { startLocalKafka, stopLocalKafka, localKafkaEnv } = require('./lib/stack');
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const steps = [
  { name: 'build', cmd: ['npx', 'tsc', '-p', 'tsconfig.build.json'] },
  // the tests themselves are type-checked too (jest runs them through swc, which does not)
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'] },
  // Nx's module-boundary rule needs the project graph on disk: without it the rule is silently
  // skipped ("No cached ProjectGraph is available"), so compute it first.
  { name: 'lint', pre: ['npx', 'nx', 'show', 'projects'], cmd: ['npx', 'eslint', '--max-warnings', '0', 'apps', 'libs'] },
  { name: 'unit', jest: 'jest.unit.config.js' },
  { name: 'int', jest: 'jest.int.config.js' },
  { name: 'e2e', jest: 'jest.e2e.config.js' },
].filter((s) => only.length === 0 || only.includes(s.name));

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR };
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const outDir = path.join(ROOT, '.data', 'test-results');
fs.mkdirSync(outDir, { recursive: true });

// One broker for the integration and end-to-end runs, unless one is given or Docker provides it.
let startedKafka = false;
const needsKafka = steps.some((s) => s.name === 'int' || s.name === 'e2e');
if (needsKafka && !process.env.KAFKA_BROKERS && spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
  try {
    startedKafka = startLocalKafka(env);
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  // the secured runner's admin (ADR 0021): tests on prefixed topics run as chuishao-admin and give
  // the ACL tests their own principals
  Object.assign(env, localKafkaEnv('chuishao-admin', env));
}

const t0 = Date.now();
for (const step of steps) {
  const start = Date.now();
  process.stdout.write(`\n=== ${step.name} ===\n`);
  if (step.jest) {
    const out = path.join(outDir, `${step.name}.json`);
    fs.rmSync(out, { force: true });
    const args = ['jest', '-c', step.jest, '--json', `--outputFile=${out}`];
    if (step.name !== 'unit') args.push('--runInBand', '--forceExit');
    const r = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env });
    let result;
    try {
      result = JSON.parse(fs.readFileSync(out, 'utf8'));
    } catch {
      result = undefined;
    }
    if (result) {
      totals.passed += result.numPassedTests;
      totals.failed += result.numFailedTests;
      totals.skipped += result.numPendingTests + (result.numTodoTests || 0);
      if (result.numFailedTests > 0 || result.numRuntimeErrorTestSuites > 0) failures.push(step.name);
      if (result.numRuntimeErrorTestSuites > 0) totals.failed += result.numRuntimeErrorTestSuites;
    } else if (r.status !== 0) {
      failures.push(step.name);
      totals.failed += 1;
    }
  } else {
    const pre = step.pre ? spawnSync(step.pre[0], step.pre.slice(1), { cwd: ROOT, stdio: 'ignore', env: { ...env, NX_DAEMON: 'false' } }) : { status: 0 };
    const r = pre.status === 0 ? spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: ROOT, stdio: 'inherit', env }) : pre;
    if (r.status !== 0) {
      failures.push(step.name);
      totals.failed += 1;
    } else {
      totals.passed += 1;
    }
  }
  process.stdout.write(`=== ${step.name}: ${((Date.now() - start) / 1000).toFixed(1)} s ===\n`);
}

if (startedKafka) stopLocalKafka(env);
process.stdout.write(`\nAll steps in ${((Date.now() - t0) / 1000).toFixed(0)} s${failures.length ? `; failed: ${failures.join(', ')}` : ''}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failures.length ? 1 : 0);

#!/usr/bin/env node
// `npm run chaos`: the long fault-injection runs that `npm test` runs short (docs/reliability.md):
// the replies storm with 10,000 replies from five departments produced by kcat, a fifth of them bad;
// the boundary fuzz with 10,000 odd bodies per service; and the chaos run — 60 s of whistles at
// 100/s while each service is SIGKILLed and PostgreSQL and Kafka are restarted, then the
// reconciliation table by count from every service's store. Real Kafka and PostgreSQL, as npm test.
// CHUISHAO_CHAOS_SECONDS, CHUISHAO_CHAOS_RATE, CHUISHAO_STORM_REPLIES, CHUISHAO_FUZZ_RUNS change the sizes.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { startLocalKafka, stopLocalKafka, localKafkaEnv } = require('./lib/stack');

const ROOT = path.resolve(__dirname, '..');
const env = {
  ...process.env,
  CHUISHAO_STORM_REPLIES: process.env.CHUISHAO_STORM_REPLIES ?? '10000',
  CHUISHAO_FUZZ_RUNS: process.env.CHUISHAO_FUZZ_RUNS ?? '10000',
  CHUISHAO_CHAOS_SECONDS: process.env.CHUISHAO_CHAOS_SECONDS ?? '60',
  CHUISHAO_CHAOS_RATE: process.env.CHUISHAO_CHAOS_RATE ?? '100',
};
let started = false;
if (!env.KAFKA_BROKERS) {
  started = startLocalKafka(env);
  Object.assign(env, localKafkaEnv('chuishao-admin', env)); // the secured runner's admin (ADR 0021)
}
const specs = ['apps/dispatch/test/replies-storm', 'apps/dispatch/test/boundary', 'apps/intake/test/boundary', 'libs/shared/messaging/test/parking', 'apps/intake/test/stuck'];
const int = spawnSync('npx', ['jest', '-c', 'jest.int.config.js', '--runInBand', '--forceExit', ...specs], { cwd: ROOT, stdio: 'inherit', env });
const e2e = spawnSync('npx', ['jest', '-c', 'jest.e2e.config.js', '--runInBand', '--forceExit', 'apps/system-tests/test/chaos'], { cwd: ROOT, stdio: 'inherit', env });
if (started) stopLocalKafka(env);
process.exit(int.status || e2e.status || 0);

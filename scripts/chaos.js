#!/usr/bin/env node
// `npm run chaos`: the long fault-injection runs that `npm test` runs short (docs/reliability.md):
// the replies storm with 10,000 replies from five departments produced by kcat, a fifth of them bad,
// and the boundary fuzz with 10,000 odd bodies per service. Real Kafka and PostgreSQL, as npm test.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { startLocalKafka, stopLocalKafka } = require('./lib/stack');

const ROOT = path.resolve(__dirname, '..');
const env = { ...process.env, CHUISHAO_STORM_REPLIES: process.env.CHUISHAO_STORM_REPLIES ?? '10000', CHUISHAO_FUZZ_RUNS: process.env.CHUISHAO_FUZZ_RUNS ?? '10000' };
let started = false;
if (!env.KAFKA_BROKERS) {
  started = startLocalKafka(env);
  env.KAFKA_BROKERS = '127.0.0.1:9092';
}
const specs = ['apps/dispatch/test/replies-storm', 'apps/dispatch/test/boundary', 'apps/intake/test/boundary', 'libs/shared/messaging/test/parking', 'apps/intake/test/stuck'];
const r = spawnSync('npx', ['jest', '-c', 'jest.int.config.js', '--runInBand', '--forceExit', ...specs], { cwd: ROOT, stdio: 'inherit', env });
if (started) stopLocalKafka(env);
process.exit(r.status ?? 1);

#!/usr/bin/env node
// `npm run scale`: the scale-out proof that `npm test` runs short (docs/scaling.md) — two instances
// of each consumer service, 5,000 whistles at 50/s, one instance of each SIGKILLed half-way, then
// the checks counted in every store. CHUISHAO_SCALE_WHISTLES and CHUISHAO_SCALE_RATE change the size.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { startLocalKafka, stopLocalKafka } = require('./lib/stack');

const ROOT = path.resolve(__dirname, '..');
const env = { ...process.env, CHUISHAO_SCALE_WHISTLES: process.env.CHUISHAO_SCALE_WHISTLES ?? '5000', CHUISHAO_SCALE_RATE: process.env.CHUISHAO_SCALE_RATE ?? '50' };
let started = false;
if (!env.KAFKA_BROKERS) {
  started = startLocalKafka(env);
  env.KAFKA_BROKERS = '127.0.0.1:9092';
}
const r = spawnSync('npx', ['jest', '-c', 'jest.e2e.config.js', '--runInBand', '--forceExit', 'apps/system-tests/test/scale-out'], { cwd: ROOT, stdio: 'inherit', env });
if (started) stopLocalKafka(env);
process.exit(r.status ?? 1);

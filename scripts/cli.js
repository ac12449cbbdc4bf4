#!/usr/bin/env node
// node scripts/cli.js <command> [args]: runs apps/cli/src/<command>.ts, compiled to dist/ by `npm run build`
// (npm run token -- …, npm run audit -- …). The logic lives in apps/cli; this is only the launcher.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const [command, ...args] = process.argv.slice(2);
const compiled = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', `${command}.js`);
if (!/^[a-z-]+$/.test(command || '') || !fs.existsSync(compiled)) {
  process.stderr.write(`dist/apps/cli/src/${command}.js is missing: run \`npm run build\` first\n`);
  process.exit(1);
}
require('./register-paths');
// `audit --kafka` without KAFKA_BROKERS reads the project's own (secured) runner as its operator,
// chuishao-admin (ADR 0021); with KAFKA_BROKERS, KAFKA_SASL_* come from the environment
if (command === 'audit' && args.includes('--kafka') && !process.env.KAFKA_BROKERS) {
  try {
    Object.assign(process.env, require('./lib/stack').localKafkaEnv('chuishao-admin'));
  } catch {
    // not running: the audit says so when it connects
  }
}
const { main } = require(compiled);
main(args).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // a CliError is a message for the person at the terminal; anything else is a bug: its stack
    process.stderr.write(`${err && err.name === 'CliError' ? err.message : err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);

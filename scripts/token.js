#!/usr/bin/env node
// npm run token -- <role> [org] [--open311] [--sub name] [--ttl 12h]
// Thin launcher: the logic lives in apps/cli/src/token.ts, compiled to dist/ by `npm run build`.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'token.js');
if (!fs.existsSync(compiled)) {
  process.stderr.write('dist/apps/cli/src/token.js is missing: run `npm run build` first\n');
  process.exit(1);
}
require('./register-paths');
const { main } = require(compiled);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);

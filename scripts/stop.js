#!/usr/bin/env node
// `npm stop`: stops the processes `npm start -- --detach` left running (Kafka too with --kafka).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./lib/stack');

const runDir = path.join(process.env.CHUISHAO_DATA_DIR || path.join(ROOT, '.data'), 'run');
const pids = fs.existsSync(runDir) ? fs.readdirSync(runDir) : [];
(async () => {
  for (const f of pids) {
    const pid = Number(fs.readFileSync(path.join(runDir, f), 'utf8'));
    try {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 200));
        process.kill(pid, 0);
      }
      process.kill(pid, 'SIGKILL');
    } catch {
      /* stopped */
    }
    fs.rmSync(path.join(runDir, f), { force: true });
    process.stdout.write(`stopped ${f.replace('.pid', '')}\n`);
  }
  if (process.argv.includes('--kafka')) execFileSync('bash', [path.join(ROOT, 'deploy/kafka/kafka.sh'), 'stop'], { stdio: 'inherit' });
})();

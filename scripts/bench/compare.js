// `npm run bench -- --compare[=name1,name2]` (issue #27 item 6): each performance mechanism side by
// side with the code without it. For everything on, and for each named mechanism switched off
// (CHUISHAO_TUNING_OFF=<name>; default every name in TUNINGS, libs/shared/platform/src/tuning.ts),
// one run of `bench.js --only=pipeline` — a fresh system each time (scratch database, topic prefix,
// services started with the variable) — measures the pipeline's capacity (whistles summoned per
// second, closed loop on intake for --compare-seconds, default 15, the drain included) and accept →
// DepartmentsSummoned at a quarter of the capacity with everything on (open loop for
// --latency-seconds, default 20). --rounds=N (default 2): every configuration once a round,
// everything on first in each, the mechanisms in turn (in reverse every other round). Prints a table
// and writes it into docs/benchmarks.md as a section of its own, with the machine line and pgbench
// of the same run (--report=false: printed only). Other options (--kafka=scram|plaintext,
// --db-socket, --history, --concurrency) go to every run.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('../lib/stack');
const { log, median, ms, speedProbe, pgSocket, machine, runPgbench, tunings, tuningOff } = require('./common');

const MECHANISMS_HEADING = '## Each mechanism, with and without it';
/** A mechanism keeps its place if switching it off costs at least this much capacity or p50. */
const KEEP_PERCENT = 15;

/** Where the section under `heading` starts and ends in `md` (up to the next `## `), if it has one. */
function sectionBounds(md, heading) {
  const i = md.indexOf(`\n${heading}\n`);
  if (i < 0) return undefined;
  const j = md.indexOf('\n## ', i + 1);
  return [i + 1, j < 0 ? md.length : j + 1];
}

/** The section of `md` under `heading`, ending with one newline, or ''. */
function sectionOf(md, heading) {
  const b = sectionBounds(md, heading);
  return b ? `${md.slice(...b).trimEnd()}\n` : '';
}

/** `md` with `section` in place of its section under the same heading, else before its Assessment section, else at its end. */
function withSection(md, heading, section) {
  const b = sectionBounds(md, heading);
  if (b) return `${md.slice(0, b[0])}${section}${b[1] < md.length ? '\n' : ''}${md.slice(b[1])}`;
  const i = md.indexOf('\n## Assessment');
  if (i >= 0) return `${md.slice(0, i + 1)}${section}${md.slice(i)}`;
  return `${md.trimEnd()}\n\n${section}`;
}

/** The options of bench.js that each configuration's run gets from --compare, not from the command line. */
const DECIDED_HERE = ['compare', 'compare-seconds', 'rounds', 'rates', 'rate', 'seconds', 'latency-seconds', 'warmup-seconds', 'summary', 'report', 'quick', 'only', 'tuning-off', 'floor', 'alone'];

/**
 * Runs the comparison. `args` bench.js's options, `bench` its path (each configuration is a run of
 * it), `tuningOff` what CHUISHAO_TUNING_OFF asked for (must be nothing: --compare decides).
 */
async function runCompare({ args, bench, tuningOff: asked }) {
  if (asked.length > 0) throw new Error('--compare switches the mechanisms off itself: unset CHUISHAO_TUNING_OFF / --tuning-off');
  if (args.kafka === 'both') throw new Error('--compare runs on one broker: --kafka=scram (default) or plaintext');
  const known = tunings();
  const names = args.compare === 'true' ? Object.keys(known) : tuningOff(args.compare);
  if (names.length === 0) throw new Error('--compare= names no mechanism');
  const rounds = Math.max(1, Number(args.rounds ?? 2));
  const seconds = Number(args['compare-seconds'] ?? 15);
  const latencySeconds = Number(args['latency-seconds'] ?? 20);
  // the capacity's closed loop comes first in each run and warms the whole pipeline up: no separate warm-up by default
  const warmupSeconds = Number(args['warmup-seconds'] ?? 0);
  const m = machine(pgSocket(args));
  m.probeStart = speedProbe();
  log(`speed probe (fixed single-threaded work, lower is faster): ${m.probeStart} ms`);
  log(`--compare: everything on and ${names.join(', ')} switched off one at a time; ${rounds} round(s); capacity ${seconds} s, latency ${latencySeconds} s each`);

  const passed = process.argv.slice(2).filter((a) => !DECIDED_HERE.includes(a.replace(/^--/, '').split('=')[0]));
  const env = { ...process.env };
  delete env.CHUISHAO_TUNING_OFF;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chuishao-compare-'));
  const runs = new Map(['', ...names].map((n) => [n, []])); // '' = everything on
  let rate; // a quarter of the capacity of the first run with everything on
  let kafkaLabel;
  const started = Date.now();
  const durations = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const name of ['', ...(round % 2 ? names : [...names].reverse())]) {
        const label = name ? `${name} off` : 'everything on';
        log(`\n===== --compare, round ${round} of ${rounds}: ${label} (${((Date.now() - started) / 60000).toFixed(1)} min so far) =====`);
        const file = path.join(dir, `${round}-${name || 'on'}.json`);
        const t0 = Date.now();
        const r = spawnSync(
          process.execPath,
          [bench, ...passed, '--only=pipeline', `--seconds=${seconds}`, `--latency-seconds=${latencySeconds}`, `--rates=${rate ?? 'quarter'}`, '--rounds=1', `--warmup-seconds=${warmupSeconds}`, `--summary=${file}`, ...(name ? [`--tuning-off=${name}`] : [])],
          { stdio: 'inherit', env },
        );
        durations.push((Date.now() - t0) / 1000);
        if (r.status !== 0 || !fs.existsSync(file)) {
          log(`  the run with ${label} failed (exit ${r.status ?? r.signal}): counted as failed`);
          runs.get(name).push({ round, failed: true });
          if (!name && rate === undefined) throw new Error('the first run with everything on failed: no rate for the latency runs');
          continue;
        }
        const s = JSON.parse(fs.readFileSync(file, 'utf8'));
        rate ??= s.quarter;
        kafkaLabel ??= s.m?.kafka;
        const lat = s.lats.find((l) => l.rate === rate) ?? {};
        const run = { round, capacity: s.capacity.rate, accepted: s.direct?.rate, p50: lat.acceptP50, p99: lat.acceptP99, blownP50: lat.blownP50, missing: (lat.missing ?? 0) + (s.capacity.missing ?? 0) };
        runs.get(name).push(run);
        log(`  ${label}: capacity ${run.capacity.toFixed(0)} whistles/s (accepted ${run.accepted?.toFixed(0)}/s), p50 at ${rate}/s ${ms(run.p50)} ms (p99 ${ms(run.p99)}, blown → summoned p50 ${ms(run.blownP50)}); run took ${durations.at(-1).toFixed(0)} s`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  log('\nbaseline: pgbench (one transaction = one event + one outbox row, 10 s) ...');
  const pgbench = runPgbench(10);
  log(`  pgbench tps = ${pgbench}`);
  m.probeEnd = speedProbe();
  m.kafka = kafkaLabel ?? m.kafka; // (a run's: with the broker's security and topic count)
  const minutes = (Date.now() - started) / 60000;
  log(`speed probe: ${m.probeStart} ms at the start, ${m.probeEnd} ms at the end; the comparison took ${minutes.toFixed(1)} min (${(durations.reduce((a, b) => a + b, 0) / durations.length).toFixed(0)} s a run)`);

  const result = { when: new Date().toISOString(), m, pgbench, rate, rounds, seconds, latencySeconds, warmupSeconds, minutes, known, names, runs: Object.fromEntries(runs) };
  const section = mechanismsMarkdown(result);
  log(`\n${section}`);
  if (args.summary) fs.writeFileSync(args.summary, JSON.stringify(result));
  if (args.report === 'false') return;
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  fs.writeFileSync(file, withSection(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n', MECHANISMS_HEADING, section));
  log('written to docs/benchmarks.md');
}

/** A figure over the rounds: the median of those that did not fail, with the range. */
function over(runs, f) {
  const xs = runs.filter((r) => !r.failed).map((r) => r[f]).filter(Number.isFinite);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, failed: runs.filter((r) => r.failed).length };
}

const shown = (x, digits, unit = '') => {
  if (x.n === 0) return `failed${x.failed > 1 ? ` ×${x.failed}` : ''}`;
  const f = (v) => v.toFixed(digits);
  return `${f(x.median)}${unit}${x.n > 1 ? ` (${f(x.min)}–${f(x.max)})` : ''}${x.failed ? `, ${x.failed} failed` : ''}`;
};

/** docs/benchmarks.md's section: the comparison's table with how it was measured. */
function mechanismsMarkdown(r) {
  const on = r.runs[''];
  const capOn = over(on, 'capacity');
  const p50On = over(on, 'p50');
  const pct = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(0)} %` : 'n/a');
  const rows = r.names.map((name) => {
    const cap = over(r.runs[name], 'capacity');
    const p50 = over(r.runs[name], 'p50');
    // gain: how much worse the system is with the mechanism off than with it on
    const capGain = ((capOn.median - cap.median) / capOn.median) * 100;
    const p50Gain = ((p50.median - p50On.median) / p50On.median) * 100;
    const measured = Number.isFinite(capGain) || Number.isFinite(p50Gain);
    const keeps = capGain >= KEEP_PERCENT || p50Gain >= KEEP_PERCENT;
    const verdict = !measured ? 'not measured (its runs failed)' : keeps ? '**keeps its place**' : `under ${KEEP_PERCENT} %: to remove`;
    return `| \`${name}\` | ${r.known[name]} | ${shown(capOn, 0)} | ${shown(cap, 0)} | ${pct(capGain)} | ${shown(p50On, 1, ' ms')} | ${shown(p50, 1, ' ms')} | ${pct(p50Gain)} | ${verdict} |`;
  });
  return `${MECHANISMS_HEADING}

Written by \`npm run bench -- --compare${r.names.length === Object.keys(r.known).length ? '' : `=${r.names.join(',')}`}\` (scripts/bench/compare.js) on ${r.when}, ${r.minutes.toFixed(0)} minutes. For everything on, and
for each performance mechanism switched off in the services (\`CHUISHAO_TUNING_OFF=<name>\`,
libs/shared/platform/src/tuning.ts), a fresh system — scratch database and topic prefix, the
services started with the variable, intake warmed up for 10 s — then its measurements:
- **capacity**: the pipeline's capacity as in the section on the floor — a closed loop on intake for
  ${r.seconds} s with the whole pipeline running, whistles whose DepartmentsSummoned was seen per second,
  until the last of them (the drain included);
- **p50**: accept (201) → DepartmentsSummoned seen, p50, open loop at **${r.rate}/s** for ${r.latencySeconds} s — a quarter of the
  capacity of the first run with everything on, the same rate for every configuration${r.warmupSeconds > 0 ? ` (after a ${r.warmupSeconds} s warm-up at 50/s)` : ' (the capacity\'s loop before it is the warm-up)'}.

${r.rounds} round${r.rounds > 1 ? 's' : ''}, every configuration once a round (everything on first, the mechanisms in turn, in
reverse every other round); each figure is the median of the rounds, the lowest and highest in
brackets. The **gain** is how much worse the system is with the mechanism off than with it on:
capacity (on − off) / on, p50 (off − on) / on. A mechanism keeps its place if either gain is at
least ${KEEP_PERCENT} %; if neither is, it is to be removed (not left off: tuning.ts).

Machine: ${r.m.cpu}, ${r.m.memory}, ${r.m.os}, Node.js ${r.m.node}; PostgreSQL ${r.m.postgres}; ${r.m.kafka}.
Speed probe (fixed single-threaded work, lower is faster) ${r.m.probeStart} ms at the start, ${r.m.probeEnd} ms at the end.
pgbench in the same run (one transaction = one event row + one outbox row, 8 clients, 10 s, after the runs): **${r.pgbench ?? 'n/a'} tps**.

| mechanism | ADR | capacity on, whistles/s | capacity off | gain | p50 on, at ${r.rate}/s | p50 off | gain | verdict |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
}

module.exports = { runCompare, MECHANISMS_HEADING, sectionOf, withSection, mechanismsMarkdown };

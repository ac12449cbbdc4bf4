/**
 * Rebuilds the assessment projections from scratch and proves them equal to the live ones.
 *
 *   node -r ./scripts/register-paths.js dist/apps/assessment/src/rebuild.js [--replace] [--batch 5000] [--periods 2026-Q3,2026]
 *
 * 1. recreates the projection tables empty in the schema `assessment_rebuild`;
 * 2. replays `assessment_inbox_log` — the durable, ordered copy of every whistle event the live
 *    projection applied — through the same projection code, in batches, printing events/s and the
 *    share of the log done; then this service's own StreetRated / PeriodClosed events;
 * 3. catches up with events logged meanwhile, then compares, row by row, every projection table
 *    and the scorecards of every period with data (and `--periods`), as of one instant;
 * 4. with `--replace`, swaps the rebuilt rows into the live tables (one transaction, log locked).
 * Exit 0 = equal (or replaced), 1 = a difference (printed), 2 = an error.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import type { Queryable } from '@chuishao/postgres';
import {
  compareScorecards,
  compareTables,
  createShadowTables,
  currentScoringPolicy,
  periodsToCompare,
  replaceLive,
  replayLog,
  replayOwnEvents,
  type RebuildOptions,
} from '@chuishao/assessment-feature';

const LIVE = 'assessment';
const SHADOW = 'assessment_rebuild';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chuishao';
  const tz = process.env.CHUISHAO_TZ?.trim() || 'Asia/Shanghai';
  const client = new Client({ connectionString: url, application_name: 'chuishao-assessment-rebuild', options: `-c search_path=${LIVE}` });
  const readerClient = new Client({ connectionString: url, application_name: 'chuishao-assessment-rebuild-reader', options: `-c search_path=${LIVE}` });
  await client.connect();
  await readerClient.connect();
  const db = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as Queryable;
  const reader = { query: async (sql: string, params?: unknown[]) => (await readerClient.query(sql, params)).rows } as unknown as Queryable;
  try {
    const opts: RebuildOptions = {
      liveSchema: LIVE,
      shadowSchema: SHADOW,
      tz,
      batchSize: Number(arg('--batch') ?? 5000),
      reader,
      onProgress: (p) => out(`  ${p.events}/${p.total} events (${p.percent.toFixed(1)} % of the log), ${Math.round(p.eventsPerSecond)} events/s, ${p.seconds.toFixed(1)} s`),
    };
    out(`rebuilding ${LIVE} projections into ${SHADOW} (zone ${tz})`);
    await createShadowTables(db, LIVE, SHADOW);
    let run = await replayLog(db, opts);
    const own = await replayOwnEvents(db, LIVE, SHADOW);
    out(`replayed ${run.events} whistle events in ${run.seconds.toFixed(2)} s (${Math.round(run.events / Math.max(run.seconds, 1e-9))} events/s) and ${own} own events`);
    for (let i = 0; i < 3; i++) {
      const tail = await replayLog(db, { ...opts, onProgress: undefined }, run.lastSeq);
      if (tail.lastSeq === run.lastSeq) break;
      out(`caught up ${tail.events} events logged meanwhile`);
      run = { ...tail, events: run.events + tail.events };
    }

    if (process.argv.includes('--replace')) {
      await replaceLive(db, opts, run.lastSeq);
      out('replaced the live projection with the rebuilt one');
    }

    const asOf = new Date();
    const policy = await currentScoringPolicy(db);
    const extra = (arg('--periods') ?? '').split(',').filter(Boolean);
    const periods = [...new Set([...(await periodsToCompare(db, LIVE)), ...(await periodsToCompare(db, SHADOW)), ...extra])].sort();
    const tables = await compareTables(db, LIVE, SHADOW);
    const cards = await compareScorecards(db, LIVE, SHADOW, periods, asOf, policy, tz);
    let different = false;
    out(`\n| table | only live | only rebuilt |\n|---|---|---|`);
    for (const t of tables) {
      out(`| ${t.table} | ${t.onlyLive} | ${t.onlyRebuilt} |`);
      if (t.onlyLive || t.onlyRebuilt) different = true;
    }
    out(`\nscorecards as of ${asOf.toISOString()}, policy v${policy.version}:`);
    for (const c of cards) {
      out(`  ${c.period}: ${c.equal ? 'equal' : 'DIFFERENT'}`);
      if (!c.equal) {
        different = true;
        out(c.detail ?? '');
      }
    }
    out(different ? '\nREBUILT PROJECTION DIFFERS FROM THE LIVE ONE' : `\nrebuilt projection equals the live one (${periods.length} periods, ${tables.length} tables)`);
    return different ? 1 : 0;
  } finally {
    await readerClient.end();
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`rebuild failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);

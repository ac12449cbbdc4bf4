/**
 * `npm run audit -- [--schema intake,triage,dispatch,assessment] [--json]`
 *
 * Verifies the hash chain of every stream in every service's own event store (contract §2), each
 * up to its recorded head, so that an edit or a deletion of any stored event — a report time in
 * dispatch, a level in triage, a street rating in assessment — is found, not only those of the
 * whistles someone happens to open (`GET /api/v1/whistles/{id}/events` checks a whistle's ledger
 * and intake's own copies). Progress goes to stderr; the report (Chinese first) or, with `--json`,
 * one JSON document to stdout. It only reads.
 *
 * Exit 0 = every chain holds, 3 = a chain does not hold (listed), 2 = usage, 1 = an error.
 * DATABASE_URL as for the services (default postgres://postgres@127.0.0.1:5432/chuishao).
 */
import { Client } from 'pg';
import { auditStore, type Queryable, type StoreAudit } from '@chuishao/event-store';

export const SERVICE_SCHEMAS = ['intake', 'triage', 'dispatch', 'assessment'] as const;

export const USAGE = `usage: npm run audit -- [--schema ${SERVICE_SCHEMAS.join(',')}] [--json]
  --schema  the services' schemas to verify (default all four; a schema not there is skipped)
  --json    one JSON document on stdout instead of the report`;

export interface AuditArgs {
  schemas: string[];
  json: boolean;
}

/** Parses the command line; a string is the usage error to print. */
export function parseAuditArgs(argv: readonly string[]): AuditArgs | string {
  const args: AuditArgs = { schemas: [...SERVICE_SCHEMAS], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--schema' || a.startsWith('--schema=')) {
      const value = a === '--schema' ? argv[++i] : a.slice('--schema='.length);
      const schemas = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = schemas.filter((s) => !(SERVICE_SCHEMAS as readonly string[]).includes(s));
      if (schemas.length === 0 || unknown.length > 0) return `未知的服务 schema / unknown schema: ${unknown.join(',') || '(none)'}`;
      args.schemas = schemas;
    } else return `未知的参数 / unknown argument: ${a}`;
  }
  return args;
}

export interface SchemaAudit extends StoreAudit {
  schema: string;
  seconds: number;
}

/** The report, Chinese first: one line a schema, then each bad stream. */
export function formatAudit(results: readonly SchemaAudit[], skipped: readonly string[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const ok = r.badCount === 0 && r.orphanEvents === 0;
    lines.push(
      `${ok ? '✓' : '✗'} ${r.schema}: ${r.streams} 个事件流、${r.events} 个事件，${ok ? '哈希链完好' : `${r.badCount} 个事件流的哈希链被破坏`} / ` +
        `${r.streams} streams, ${r.events} events, ${ok ? 'every chain holds' : `${r.badCount} broken`} (${r.seconds.toFixed(1)} s)`,
    );
    for (const b of r.bad) lines.push(`    ${b.streamId} 第 ${b.firstBadPosition} 个事件 / at event ${b.firstBadPosition}: ${b.reason}`);
    if (r.badCount > r.bad.length) lines.push(`    …… 另有 ${r.badCount - r.bad.length} 个 / and ${r.badCount - r.bad.length} more`);
    if (r.orphanEvents > 0) lines.push(`    ${r.orphanEvents} 个事件不属于任何事件流 / events under no stream`);
  }
  for (const s of skipped) lines.push(`- ${s}: 没有这个 schema（服务尚未迁移）/ no such schema (the service has not migrated yet)`);
  const broken = results.some((r) => r.badCount > 0 || r.orphanEvents > 0);
  lines.push(broken ? '结论：存储的事件被改动过 / Verdict: stored events were altered' : '结论：所有存储的事件完好 / Verdict: every stored event is intact');
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseAuditArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  const client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chuishao', application_name: 'chuishao-audit' });
  await client.connect();
  const db = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as Queryable;
  const results: SchemaAudit[] = [];
  const skipped: string[] = [];
  try {
    for (const schema of args.schemas) {
      const { rows } = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('events', 'streams')`, [schema]);
      if (rows.length < 2) {
        skipped.push(schema);
        continue;
      }
      await client.query(`SELECT set_config('search_path', $1, false)`, [schema]);
      const started = Date.now();
      let shown = 0;
      const audit = await auditStore(db, {
        onProgress: ({ streams, total, events }) => {
          if (Date.now() - shown < 1000 && streams < total) return;
          shown = Date.now();
          process.stderr.write(`  ${schema}: ${streams}/${total} 个事件流 streams (${total ? Math.floor((100 * streams) / total) : 100} %), ${events} 个事件 events\n`);
        },
      });
      results.push({ schema, ...audit, seconds: (Date.now() - started) / 1000 });
    }
  } finally {
    await client.end();
  }
  process.stdout.write(args.json ? `${JSON.stringify({ schemas: results, skipped }, null, 2)}\n` : `${formatAudit(results, skipped)}\n`);
  return results.some((r) => r.badCount > 0 || r.orphanEvents > 0) ? 3 : 0;
}

/**
 * `npm run parked -- list [--json]`
 * `npm run parked -- replay <key> [--service S] [--consumer C] [--wait S]`
 * `npm run parked -- discard <key> --service S [--consumer C]`
 *
 * What the services' consumers have parked (contract §10): internal events they could not apply for
 * a permanent reason, each with the later events of the same whistle (the key). `list` shows them
 * per service, consumer and key, with the first reason. `replay` asks the consumer that owns the
 * key's partition to apply the key's parked events again, in order and exactly once (after the
 * cause was fixed: a new release, a corrected row); it waits until they are applied or fail again
 * (exit 0 or 3). `discard` drops them unapplied — for an event that must never be applied — and
 * asks for `--service` so that nothing is dropped by a slip. The whistle's `stuck` clears with
 * either. DATABASE_URL as for the services.
 */
import { Client } from 'pg';
import { UsageError } from './errors';

export const SERVICE_SCHEMAS = ['intake', 'triage', 'dispatch', 'assessment'] as const;

export const USAGE = `usage: npm run parked -- list [--json]
       npm run parked -- replay <key> [--service S] [--consumer C] [--wait SECONDS]
       npm run parked -- discard <key> --service S [--consumer C]
  <key>       the parked key: a whistle id (as listed)
  --service   one of ${SERVICE_SCHEMAS.join(', ')} (default: every service that parked the key)
  --consumer  one consumer group (default: every consumer of the service that parked the key)
  --wait      how long replay waits for the outcome (default 30 s; 0: do not wait)`;

export interface ParkedArgs {
  command: 'list' | 'replay' | 'discard';
  key?: string;
  service?: string;
  consumer?: string;
  json: boolean;
  waitSeconds: number;
}

/** Parses the command line (throws UsageError). */
export function parseParkedArgs(argv: readonly string[]): ParkedArgs {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'replay' && command !== 'discard') throw new UsageError(`未知的命令 / unknown command: ${command ?? '(none)'}\n${USAGE}`);
  const args: ParkedArgs = { command, json: false, waitSeconds: 30 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} 需要一个值 / ${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--service') args.service = value();
    else if (a === '--consumer') args.consumer = value();
    else if (a === '--wait') args.waitSeconds = Number(value());
    else if (!a.startsWith('--') && args.key === undefined) args.key = a;
    else throw new UsageError(`未知的参数 / unknown argument: ${a}\n${USAGE}`);
  }
  if (args.service !== undefined && !(SERVICE_SCHEMAS as readonly string[]).includes(args.service)) throw new UsageError(`未知的服务 / unknown service: ${args.service}\n${USAGE}`);
  if (!Number.isFinite(args.waitSeconds) || args.waitSeconds < 0) throw new UsageError(`--wait 必须是非负秒数 / --wait must be a number of seconds ≥ 0\n${USAGE}`);
  if (command !== 'list' && args.key === undefined) throw new UsageError(`${command} 需要键（哨件 id）/ ${command} needs the key (a whistle id)\n${USAGE}`);
  if (command === 'discard' && args.service === undefined) throw new UsageError(`discard 需要 --service / discard needs --service\n${USAGE}`);
  return args;
}

export interface ParkedKey {
  service: string;
  consumer: string;
  key: string;
  messages: number;
  firstOffset: string;
  reason: string;
  since: string;
  request: string | null;
}

interface Db {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** The schemas of these services that have a parked table. */
async function parkedSchemas(db: Db, only?: string): Promise<string[]> {
  const rows = await db.query<{ schema: string }>(`SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'parked' AND table_schema = ANY($1)`, [
    only ? [only] : [...SERVICE_SCHEMAS],
  ]);
  return rows.map((r) => r.schema).sort();
}

/** Every parked key, per service and consumer, with its first reason. */
export async function listParked(db: Db, only?: string): Promise<ParkedKey[]> {
  const out: ParkedKey[] = [];
  for (const schema of await parkedSchemas(db, only)) {
    const rows = await db.query<{ consumer: string; key: string; messages: string; first_offset: string; reason: string; since: Date; request: string | null }>(
      `SELECT consumer, key, count(*) AS messages, (array_agg("offset" ORDER BY id))[1]::text AS first_offset,
              (array_agg(reason ORDER BY id))[1] AS reason, min(parked_at) AS since, max(request) AS request
         FROM "${schema}".parked GROUP BY consumer, key ORDER BY min(parked_at)`,
    );
    for (const r of rows) {
      out.push({ service: schema, consumer: r.consumer, key: r.key, messages: Number(r.messages), firstOffset: r.first_offset, reason: r.reason, since: new Date(r.since).toISOString(), request: r.request });
    }
  }
  return out;
}

/** Writes the request on the key's rows; returns how many rows in which services. */
export async function requestParked(db: Db, args: ParkedArgs): Promise<Array<{ service: string; rows: number }>> {
  const done: Array<{ service: string; rows: number }> = [];
  for (const schema of await parkedSchemas(db, args.service)) {
    const rows = await db.query<{ id: string }>(
      `UPDATE "${schema}".parked SET request = $1 WHERE key = $2 AND ($3::text IS NULL OR consumer = $3) RETURNING id`,
      [args.command === 'replay' ? 'REPLAY' : 'DISCARD', args.key, args.consumer ?? null],
    );
    if (rows.length > 0) done.push({ service: schema, rows: rows.length });
  }
  return done;
}

function line(k: ParkedKey): string {
  return `  ${k.service.padEnd(10)} ${k.consumer}  ${k.key || '(无键 no key)'}  ${k.messages} 条 messages since ${k.since}${k.request ? `  [${k.request} 已请求 requested]` : ''}\n      原因 reason: ${k.reason}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: ParkedArgs;
  try {
    args = parseParkedArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chuishao', application_name: 'chuishao-parked' });
  await client.connect();
  const db: Db = { query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[] };
  try {
    if (args.command === 'list') {
      const keys = await listParked(db, args.service);
      if (args.json) process.stdout.write(`${JSON.stringify({ parked: keys }, null, 2)}\n`);
      else process.stdout.write(keys.length === 0 ? '没有被搁置的消息 / nothing is parked\n' : `被搁置的消息 / parked (${keys.length}):\n${keys.map(line).join('\n')}\n`);
      return 0;
    }
    const requested = await requestParked(db, args);
    if (requested.length === 0) {
      process.stderr.write(`没有找到被搁置的 ${args.key} / nothing parked under ${args.key}${args.service ? ` in ${args.service}` : ''}\n`);
      return 1;
    }
    process.stdout.write(`已请求 ${args.command} / ${args.command} requested: ${requested.map((r) => `${r.service} (${r.rows})`).join(', ')}\n`);
    if (args.command === 'discard' || args.waitSeconds === 0) return 0;
    // the owning consumers act within a few seconds: wait for the key to clear, or to fail again
    const until = Date.now() + args.waitSeconds * 1000;
    for (;;) {
      const left = (await listParked(db, args.service)).filter((k) => k.key === args.key && (!args.consumer || k.consumer === args.consumer));
      if (left.length === 0) {
        process.stdout.write('已重放，哨件不再卡住 / replayed: the whistle flows again\n');
        return 0;
      }
      const failed = left.filter((k) => k.request === null);
      if (failed.length > 0) {
        process.stdout.write(`重放失败，仍被搁置 / the replay failed again; still parked:\n${failed.map(line).join('\n')}\n`);
        return 3;
      }
      if (Date.now() > until) {
        process.stdout.write(`仍在等待消费者处理（服务是否在运行？）/ still waiting for the consumers (are the services running?):\n${left.map(line).join('\n')}\n`);
        return 4;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await client.end();
  }
}

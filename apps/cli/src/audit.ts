/**
 * `npm run audit -- [--schema intake,triage,dispatch,assessment] [--json] [--kafka]`
 *
 * 1. Verifies the hash chain of every stream in every service's own event store (contract §2), each
 *    up to its recorded head, so that an edit or a deletion of any stored event — a report time in
 *    dispatch, a level in triage, a street rating in assessment — is found, not only those of the
 *    whistles someone happens to open.
 * 2. Verifies every whistle's audit ledger (intake's merged stream, what `GET
 *    /api/v1/whistles/{id}/events` shows) as that endpoint does — its chain, its length against the
 *    events intake's read model counted — and compares each copy in it with its original in the
 *    store of the service that recorded it (a ledger event's `source` is that service's schema),
 *    which the endpoint can do for intake's copies only.
 * 3. With `--kafka`, compares every ledger copy with the event as published on the whistle events
 *    topic, which finds an original and its copy rewritten alike (ADR 0001).
 * Progress goes to stderr; the report (Chinese first) or, with `--json`, one JSON document to
 * stdout. It only reads.
 *
 * Exit 0 = every chain holds, 3 = a chain does not hold (listed), 2 = usage, 1 = an error.
 * DATABASE_URL as for the services (default postgres://postgres@127.0.0.1:5432/chuishao).
 */
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { TOPICS } from '@chuishao/contracts';
import { kafkaConnection, prefixed } from '@chuishao/messaging';
import { KafkaClientConfig, loadConfig } from '@chuishao/platform';
import { CliError } from './errors';
import { auditStore, bodyOf, chainedBody, noteBad, verifyMerged, type BadStream, type EventRow, type MergedEvent, type OriginalStream, type StoreAudit } from '@chuishao/event-store';
import { type Queryable } from '@chuishao/postgres';

export const SERVICE_SCHEMAS = ['intake', 'triage', 'dispatch', 'assessment'] as const;

export const USAGE = `usage: npm run audit -- [--schema ${SERVICE_SCHEMAS.join(',')}] [--json] [--kafka]
  --schema  the services' schemas to verify (default all four; a schema not there is skipped)
  --json    one JSON document on stdout instead of the report
  --kafka   also compare the ledger with the events as published on the whistle events topic
            (KAFKA_BROKERS, KAFKA_SASL_*, CHUISHAO_TOPIC_PREFIX as for the services)`;

export interface AuditArgs {
  schemas: string[];
  json: boolean;
  kafka: boolean;
}

/** Parses the command line; a string is the usage error to print. */
export function parseAuditArgs(argv: readonly string[]): AuditArgs | string {
  const args: AuditArgs = { schemas: [...SERVICE_SCHEMAS], json: false, kafka: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--kafka') args.kafka = true;
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

/** The whistles' audit ledgers (intake's `whistle_ledger`), each against its count and the originals. */
export interface LedgerAudit {
  whistles: number;
  events: number;
  /** The whistles whose ledger does not verify (`streamId` is the whistle id); at most `maxBad` listed. */
  bad: BadStream[];
  badCount: number;
  seconds: number;
}

/** The schema and tables of the ledger: intake's read side, as the events endpoint reads it (ADR 0001). */
const LEDGER_SCHEMA = 'intake';

/** A row of intake's `whistle_ledger`. */
interface LedgerRow {
  whistle_id: string;
  position: number;
  event_id: string;
  type: string;
  occurred_at: Date;
  actor: MergedEvent['actor'];
  data: unknown;
  source: string;
  prev_hash: string;
  hash: string;
}

/** A ledger row as the event its chain covers. */
function ledgerCopy(r: LedgerRow): MergedEvent {
  return { eventId: r.event_id, type: r.type, position: Number(r.position), occurredAt: new Date(r.occurred_at).toISOString(), actor: r.actor, data: r.data, source: r.source, hash: r.hash, prevHash: r.prev_hash };
}

/**
 * Walks every whistle of intake's read model in id order, a page a few statements: the views'
 * event counts, then the ledger rows, then — by id, from each audited store whose schema is named by
 * a copy's `source` — the originals. Read in that order, a ledger holds at least what its view
 * counted and every original of its copies is already committed (a service publishes only what
 * it committed).
 */
export async function auditLedgers(
  db: Queryable,
  stores: readonly string[],
  options: { pageSize?: number; maxBad?: number; onProgress?: (p: { whistles: number; total: number }) => void } = {},
): Promise<LedgerAudit> {
  const started = Date.now();
  const pageSize = options.pageSize ?? 500;
  const maxBad = options.maxBad ?? 100;
  const [{ total }]: Array<{ total: string }> = await db.query(`SELECT count(*) AS total FROM ${LEDGER_SCHEMA}.whistle_view`);
  const audit: LedgerAudit = { whistles: 0, events: 0, bad: [], badCount: 0, seconds: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const views: Array<{ id: string; version: number }> = await db.query(
      `SELECT id::text AS id, coalesce((doc->>'version')::int, 0) AS version FROM ${LEDGER_SCHEMA}.whistle_view WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, pageSize],
    );
    if (views.length === 0) break;
    const ids = views.map((v) => v.id);
    const rows: LedgerRow[] = await db.query(`SELECT * FROM ${LEDGER_SCHEMA}.whistle_ledger WHERE whistle_id = ANY($1::uuid[]) ORDER BY whistle_id, position`, [ids]);
    const ledgers = new Map<string, MergedEvent[]>(ids.map((id) => [id, []]));
    for (const r of rows) ledgers.get(r.whistle_id)?.push(ledgerCopy(r));
    // the originals, by id, from each store a copy names
    const originals = new Map<string, Map<string, OriginalStream['events'][number]>>();
    for (const store of stores) {
      const wanted = rows.filter((r) => r.source === store).map((r) => r.event_id);
      const found: EventRow[] = wanted.length ? await db.query(`SELECT * FROM ${store}.events WHERE event_id = ANY($1::uuid[])`, [wanted]) : [];
      originals.set(store, new Map(found.map((r) => [r.event_id, chainedBody(r)])));
    }
    for (const v of views) {
      const ledger = ledgers.get(v.id) ?? [];
      const at = stores.map((store) => ({ source: store, events: ledger.filter((e) => e.source === store).flatMap((e) => originals.get(store)?.get(e.eventId) ?? []) }));
      const verdict = verifyMerged(ledger, { length: v.version }, at);
      audit.whistles += 1;
      audit.events += ledger.length;
      if (!verdict.valid) noteBad(audit, maxBad, { streamId: v.id, ...verdict });
    }
    after = views[views.length - 1].id;
    options.onProgress?.({ whistles: audit.whistles, total: Math.max(Number(total), audit.whistles) });
  }
  audit.seconds = (Date.now() - started) / 1000;
  return audit;
}

/** The ledger's copies against the events as they were published (the whistle events topic). */
export interface TopicAudit {
  topic: string;
  messages: number;
  /** Messages whose event the ledger holds, compared. */
  compared: number;
  /** Copies that differ from the event as published: whistle id in `streamId`, the copy's position. */
  bad: BadStream[];
  badCount: number;
  /** Partitions not read to their end offset (the read stopped after 15 s without a batch). */
  incomplete: number[];
  seconds: number;
}

/**
 * Reads the whistle events topic from its beginning to the end offsets it had when the audit began
 * (a consumer group of its own, nothing committed) and compares every event the ledger holds with
 * its copy there. This finds what the stores cannot: an original and its copy rewritten alike, both
 * chains re-hashed (ADR 0001) — the topic keeps every event as published (infinite retention).
 */
export async function auditAgainstTopic(
  db: Queryable,
  kafka: Kafka,
  topic: string,
  options: { maxBad?: number; onProgress?: (p: { messages: number; total: number }) => void } = {},
): Promise<TopicAudit> {
  const started = Date.now();
  const maxBad = options.maxBad ?? 100;
  const audit: TopicAudit = { topic, messages: 0, compared: 0, bad: [], badCount: 0, incomplete: [], seconds: 0 };
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new CliError(`Kafka 上没有主题 ${topic} / no topic ${topic} on the brokers (KAFKA_BROKERS, CHUISHAO_TOPIC_PREFIX?)`);
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  const pending = new Set([...ends].filter(([, high]) => high > 0).map(([p]) => p));
  if (pending.size === 0) return { ...audit, seconds: (Date.now() - started) / 1000 };
  const consumer = kafka.consumer({ groupId: `chuishao-audit-${Date.now().toString(36)}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let done!: () => void;
  let failed!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      try {
        const high = ends.get(batch.partition) ?? 0;
        const events = new Map<string, { body: string }>();
        for (const m of batch.messages) {
          if (Number(m.offset) >= high) break;
          audit.messages += 1;
          try {
            const e = JSON.parse(m.value?.toString() ?? '');
            if (typeof e?.eventId === 'string' && e.actor) events.set(e.eventId, { body: bodyOf(e) });
          } catch {
            /* not an event: the consumers sent it to the rejected topic */
          }
        }
        if (events.size > 0) {
          const copies: LedgerRow[] = await db.query(`SELECT * FROM ${LEDGER_SCHEMA}.whistle_ledger WHERE event_id = ANY($1::uuid[])`, [[...events.keys()]]);
          for (const c of copies) {
            audit.compared += 1;
            if (bodyOf(ledgerCopy(c)) !== events.get(c.event_id)?.body) {
              const reason = `该事件与 Kafka 上发布的原样不符 / the event differs from the event as published on ${topic}`;
              noteBad(audit, maxBad, { streamId: c.whistle_id, valid: false, length: 0, firstBadPosition: Number(c.position), reason });
            }
          }
        }
        const last = batch.messages[batch.messages.length - 1];
        if (!last || Number(last.offset) + 1 >= high) pending.delete(batch.partition);
        options.onProgress?.({ messages: audit.messages, total });
        if (pending.size === 0) done();
      } catch (err) {
        failed(err);
      }
    },
  });
  // a partition whose last offsets are no messages (none here: no transactions) would never be
  // seen to end: after 15 s without a batch the read stops and says so
  let lastBatch = Date.now();
  let seen = audit.messages;
  const watchdog = setInterval(() => {
    if (audit.messages !== seen) {
      seen = audit.messages;
      lastBatch = Date.now();
    }
    if (Date.now() - lastBatch > 15000) done();
  }, 1000);
  try {
    await finished;
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect();
  }
  audit.incomplete = [...pending];
  audit.seconds = (Date.now() - started) / 1000;
  return audit;
}

/** The report, Chinese first: one line a schema, then each bad stream; then the ledgers. */
export function formatAudit(results: readonly SchemaAudit[], skipped: readonly string[], ledger?: LedgerAudit, topic?: TopicAudit): string {
  const lines: string[] = [];
  for (const r of results) {
    const ok = r.badCount === 0 && r.orphanEvents === 0;
    lines.push(
      `${ok ? '✓' : '✗'} ${r.schema}: ${r.streams} 个事件流、${r.events} 个事件，${ok ? '哈希链完好' : `${r.badCount} 个事件流的哈希链被破坏`} / ` +
        `${r.streams} streams, ${r.events} events, ${ok ? 'every chain holds' : `${r.badCount} broken`} (${r.seconds.toFixed(1)} s)`,
    );
    listFound(lines, r, '');
    if (r.orphanEvents > 0) lines.push(`    ${r.orphanEvents} 个事件不属于任何事件流 / events under no stream`);
  }
  for (const s of skipped) lines.push(`- ${s}: 没有这个 schema（服务尚未迁移）/ no such schema (the service has not migrated yet)`);
  if (ledger) {
    const ok = ledger.badCount === 0;
    lines.push(
      `${ok ? '✓' : '✗'} 审计账本 ledger: ${ledger.whistles} 个哨件、${ledger.events} 个事件副本，${ok ? '与原件一致' : `${ledger.badCount} 个哨件的账本不符`} / ` +
        `${ledger.whistles} whistles, ${ledger.events} copies, ${ok ? 'all match their originals' : `${ledger.badCount} do not verify`} (${ledger.seconds.toFixed(1)} s)`,
    );
    listFound(lines, ledger, '哨件 whistle ');
  }
  if (topic) {
    const ok = topic.badCount === 0 && topic.incomplete.length === 0;
    lines.push(
      `${ok ? '✓' : '✗'} Kafka ${topic.topic}: ${topic.messages} 条消息，${topic.compared} 个账本副本已比对，${topic.badCount === 0 ? '与发布时一致' : `${topic.badCount} 个不符`} / ` +
        `${topic.messages} messages, ${topic.compared} ledger copies compared, ${topic.badCount === 0 ? 'all as published' : `${topic.badCount} differ`} (${topic.seconds.toFixed(1)} s)`,
    );
    listFound(lines, topic, '哨件 whistle ');
    if (topic.incomplete.length) lines.push(`    分区 ${topic.incomplete.join(', ')} 未读完 / partitions not read to their end: ${topic.incomplete.join(', ')}`);
  }
  const broken = altered(results, ledger, topic);
  lines.push(broken ? '结论：存储的事件被改动过 / Verdict: stored events were altered' : '结论：所有存储的事件完好 / Verdict: every stored event is intact');
  return lines.join('\n');
}

/** Each listed finding a line, then how many more were found than listed. */
function listFound(lines: string[], found: { bad: readonly BadStream[]; badCount: number }, what: string): void {
  for (const b of found.bad) lines.push(`    ${what}${b.streamId} 第 ${b.firstBadPosition} 个事件 / at event ${b.firstBadPosition}: ${b.reason}`);
  const more = found.badCount - found.bad.length;
  if (more > 0) lines.push(`    …… 另有 ${more} 个 / and ${more} more`);
}

/** A progress line on stderr for a long step, at most once a second and at its end. */
function progress(label: string, unit: string): (done: number, total: number, extra?: string) => void {
  let shown = 0;
  return (done, total, extra) => {
    if (Date.now() - shown < 1000 && done < total) return;
    shown = Date.now();
    process.stderr.write(`  ${label}: ${done}/${total} ${unit} (${total ? Math.floor((100 * done) / total) : 100} %)${extra ? `, ${extra}` : ''}\n`);
  };
}

/** Whether anything was found altered (or the topic could not be read to its end). */
function altered(results: readonly SchemaAudit[], ledger?: LedgerAudit, topic?: TopicAudit): boolean {
  return results.some((r) => r.badCount > 0 || r.orphanEvents > 0) || (ledger?.badCount ?? 0) > 0 || (topic ? topic.badCount > 0 || topic.incomplete.length > 0 : false);
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
  let ledger: LedgerAudit | undefined;
  let topic: TopicAudit | undefined;
  try {
    for (const schema of args.schemas) {
      const { rows } = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('events', 'streams')`, [schema]);
      if (rows.length < 2) {
        skipped.push(schema);
        continue;
      }
      await client.query(`SELECT set_config('search_path', $1, false)`, [schema]);
      const started = Date.now();
      const shown = progress(schema, '个事件流 streams');
      const audit = await auditStore(db, { onProgress: ({ streams, total, events }) => shown(streams, total, `${events} 个事件 events`) });
      results.push({ schema, ...audit, seconds: (Date.now() - started) / 1000 });
    }
    // the ledgers, when intake's store was audited; copies are compared with the stores audited
    if (results.some((r) => r.schema === LEDGER_SCHEMA)) {
      await client.query(`SELECT set_config('search_path', 'public', false)`);
      const shown = progress('ledger', '个哨件 whistles');
      ledger = await auditLedgers(db, results.map((r) => r.schema), { onProgress: ({ whistles, total }) => shown(whistles, total) });
    }
    if (args.kafka && !ledger) process.stderr.write('--kafka 需要核验 intake / --kafka needs intake among the schemas: the ledger is compared with the topic\n');
    if (args.kafka && ledger) {
      // KAFKA_BROKERS and KAFKA_SASL_* / KAFKA_TLS* as for the services (an operator's: chuishao-admin)
      const kafka = new Kafka({ clientId: 'chuishao-audit', ...kafkaConnection(loadConfig(KafkaClientConfig)), logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 3 } });
      const shown = progress('kafka', '条消息 messages');
      topic = await auditAgainstTopic(db, kafka, prefixed(process.env.CHUISHAO_TOPIC_PREFIX?.trim() ?? '', TOPICS.whistleEvents), {
        onProgress: ({ messages, total }) => shown(messages, total),
      });
    }
  } finally {
    await client.end();
  }
  process.stdout.write(args.json ? `${JSON.stringify({ schemas: results, skipped, ledger, topic }, null, 2)}\n` : `${formatAudit(results, skipped, ledger, topic)}\n`);
  return altered(results, ledger, topic) ? 3 : 0;
}

import type { Message, Producer } from 'kafkajs';
import type { Client } from 'pg';
import { PreparingClient } from '@chuishao/postgres';
import type { CommittedOutboxRow } from './outbox-commits';
import type { RelayOptions } from './outbox-relay.options';

/** The relay's own PostgreSQL connection, connected, woken by `onNotification` (./outbox-relay.ts). */
export async function openRelayClient(opts: RelayOptions, onNotification: () => void): Promise<Client> {
  const client = new PreparingClient({
    connectionString: opts.databaseUrl,
    application_name: `chuishao-${opts.schema}-relay`,
    // Its only writes are the DELETEs of published rows: if one is lost in a crash, the rows are
    // published again and the consumers' inbox drops them. So they need not wait for the WAL
    // flush — one fsync fewer per relay batch (ADR 0007). The services' own commits stay synchronous.
    options: `-c search_path=${opts.schema} -c synchronous_commit=off`,
  });
  await client.connect();
  client.on('notification', onNotification);
  client.on('error', (e) => opts.onError?.(e));
  return client;
}

/** Produces outbox rows in their order, one batch for every topic, acknowledged by every replica (acks=all). */
export async function produceRows(producer: Producer, rows: ReadonlyArray<CommittedOutboxRow>): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const r of rows) {
    const list = byTopic.get(r.topic) ?? [];
    list.push({ key: r.key, value: r.value, headers: r.headers });
    byTopic.set(r.topic, list);
  }
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })),
  });
}

/** Adds the rows' ids to `remembered`, forgetting the oldest beyond `max` (a Set keeps insertion order). */
export function rememberIds(remembered: Set<string>, rows: ReadonlyArray<{ id: string }>, max: number): void {
  for (const r of rows) remembered.add(r.id);
  if (remembered.size <= max) return;
  let extra = remembered.size - max;
  for (const id of remembered) {
    if (extra-- <= 0) break;
    remembered.delete(id);
  }
}

/** VACUUMs the outbox (ADR 0015); one that fails is reported (onError) and publishing goes on. */
export async function vacuumOutbox(client: Client, opts: Pick<RelayOptions, 'onError' | 'onVacuumed'>): Promise<void> {
  const started = process.hrtime.bigint();
  // TRUNCATE false: never the ACCESS EXCLUSIVE lock that giving empty pages back to the file
  // system needs (it would stop the service's outbox inserts); the pages are reused instead
  try {
    await client.query('VACUUM (TRUNCATE false) outbox');
  } catch (err) {
    // publishing goes on (a lost connection fails the next drain, which reconnects); the next
    // VACUUM comes after the next batch of deleted rows
    opts.onError?.(err);
    return;
  }
  opts.onVacuumed?.(Number(process.hrtime.bigint() - started) / 1e9);
}

import type { Admin } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** 'forever' for event topics (retention.ms = -1); otherwise milliseconds. */
  retention: 'forever' | number;
}

/**
 * Every topic name goes through the prefix, so that a test run or a staging stack can share a
 * broker without sharing topics. Production runs with the empty prefix: the contract's names.
 */
export function prefixed(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: unknown[]; message?: string };
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.every(isAlreadyExists);
  return /already exists/i.test(e?.message ?? '');
}

/**
 * Topics as code: creates what is missing and leaves existing topics alone. Safe when several
 * services start at once and race to create the same topic; returns once every topic has leaders.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], timeoutMs = 60000): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: -1,
          configEntries: [{ name: 'retention.ms', value: s.retention === 'forever' ? '-1' : String(s.retention) }],
        })),
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  const names = specs.map((s) => s.name);
  const start = Date.now();
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: names });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) break;
    } catch (err) {
      if (Date.now() - start > timeoutMs) throw err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`topics without leaders after ${timeoutMs} ms: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return missing.map((s) => s.name);
}

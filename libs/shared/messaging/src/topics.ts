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

/** Topics as code: creates what is missing, leaves existing topics alone (idempotent, safe at every start). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((s) => ({
      topic: s.name,
      numPartitions: s.partitions,
      replicationFactor: -1,
      configEntries: [{ name: 'retention.ms', value: s.retention === 'forever' ? '-1' : String(s.retention) }],
    })),
  });
  return missing.map((s) => s.name);
}

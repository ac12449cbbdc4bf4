import type { Admin } from 'kafkajs';

/**
 * Up to which broker time a consumer group has read every partition of `topics` (ms since the
 * epoch), as its committed offsets say (see OffsetCommits): a partition read to its end counts as
 * read up to the moment this call began; one with messages left, up to the timestamp of the last
 * message done (its commit's `readTo`), or not at all when no commit says. The minimum over the
 * partitions. Throws when Kafka cannot be asked: the caller must then wait, not guess.
 */
export async function readUpTo(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  const asked = Date.now();
  if (topics.length === 0) return asked;
  const [committed, ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [...topics] }),
    Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
  ]);
  let min = asked;
  for (const { topic, partitions } of ends) {
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of partitions) {
      const c = mine.find((p) => p.partition === end.partition);
      const next = Number(c?.offset ?? -1);
      const high = Number(end.high);
      if ((next >= 0 && next >= high) || Number(end.low) >= high) continue; // read to its end (or empty)
      min = Math.min(min, metadataReadTo(c?.metadata) ?? 0);
    }
  }
  return min;
}

function metadataReadTo(metadata: string | null | undefined): number | undefined {
  if (!metadata) return undefined;
  try {
    const t = (JSON.parse(metadata) as { readTo?: unknown }).readTo;
    return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

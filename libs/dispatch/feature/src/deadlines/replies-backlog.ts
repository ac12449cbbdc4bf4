import { Injectable, Logger } from '@nestjs/common';
import { departmentTopics } from '@chuishao/contracts';
import { Messaging } from '@chuishao/messaging';
import { REPLIES_CONSUMER_PURPOSE } from '../replies/department-replies.kafka.controller';

/**
 * Which departments have replies on the bus that dispatch has not applied yet? A deadline is
 * judged by the time the broker RECEIVED a reply (LogAppendTime), so a report that reached Kafka
 * in time but is still unread (dispatch was down, or is catching up) must be applied before its
 * deadline is judged — otherwise the scheduler would record a miss the reply disproves.
 * Compares the reply consumer group's committed offsets with the end of each department's
 * replies topic. Any failure answers "no backlog": the scheduler then judges as usual.
 */
@Injectable()
export class RepliesBacklog {
  private readonly log = new Logger('RepliesBacklog');

  constructor(private readonly messaging: Messaging) {}

  /** The consumer group of the replies (their own since ADR 0016). */
  private get groupId(): string {
    return this.messaging.consumerGroupId(REPLIES_CONSUMER_PURPOSE);
  }

  /** Departments with unread replies; answers within `timeoutMs` (a broker outage must not hold deadlines up). */
  async behind(departmentIds: readonly string[], timeoutMs = 750): Promise<Set<string>> {
    if (departmentIds.length === 0) return new Set();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Set<string>>((resolve) => {
      timer = setTimeout(() => resolve(new Set()), timeoutMs);
    });
    try {
      return await Promise.race([this.measure(departmentIds), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async measure(departmentIds: readonly string[]): Promise<Set<string>> {
    const behind = new Set<string>();
    try {
      const topics = new Map(departmentIds.map((d) => [this.messaging.topic(departmentTopics(d).replies), d]));
      const committed = await this.messaging.admin.fetchOffsets({ groupId: this.groupId, topics: [...topics.keys()] });
      for (const [topic, departmentId] of topics) {
        const ends = await this.messaging.admin.fetchTopicOffsets(topic);
        const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
        for (const end of ends) {
          const c = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
          const from = c >= 0 ? c : Number(end.low);
          if (from < Number(end.high)) behind.add(departmentId);
        }
      }
    } catch (err) {
      this.log.warn({ err, msg: 'cannot read the reply consumer lag; judging deadlines without waiting' });
      behind.clear();
    }
    return behind;
  }
}

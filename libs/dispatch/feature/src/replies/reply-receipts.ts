import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigResourceTypes } from 'kafkajs';
import { departmentTopics } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { Messaging } from '@chuishao/messaging';

/**
 * When did we receive a reply? Deadlines are judged by it (contract §4), so it must be our clock,
 * not the department's: the replies topics are switched to `message.timestamp.type=LogAppendTime`,
 * so the broker stamps each record when it accepts it — a reply that reached our bus before the
 * deadline counts as on time even if dispatch was down at that moment. If the topics cannot be
 * configured (no ALTER_CONFIGS right), the time dispatch processes the reply is used instead.
 * Either way a receipt is never later than now (clock skew between broker and service).
 */
@Injectable()
export class ReplyReceipts implements OnApplicationBootstrap {
  private readonly log = new Logger('ReplyReceipts');
  private brokerTime = false;

  constructor(private readonly messaging: Messaging) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const names = defaultCatalog().departments.map((d) => this.messaging.topic(departmentTopics(d.id).replies));
      const described = await this.messaging.admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['message.timestamp.type'] })),
      });
      const todo = described.resources
        .filter((r) => r.configEntries.find((c) => c.configName === 'message.timestamp.type')?.configValue !== 'LogAppendTime')
        .map((r) => r.resourceName);
      if (todo.length > 0) {
        // alterConfigs replaces a topic's dynamic configuration: restate retention (forever) with it.
        await this.messaging.admin.alterConfigs({
          validateOnly: false,
          resources: todo.map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configEntries: [
              { name: 'message.timestamp.type', value: 'LogAppendTime' },
              { name: 'retention.ms', value: '-1' },
            ],
          })),
        });
      }
      this.brokerTime = true;
    } catch (err) {
      this.log.warn({ err, msg: 'replies topics keep CreateTime; replies are timed when dispatch processes them' });
    }
  }

  receivedAt(recordTimestamp: string | undefined): string {
    const now = Date.now();
    const t = this.brokerTime && recordTimestamp ? Number(recordTimestamp) : NaN;
    return new Date(Number.isFinite(t) && t > 0 ? Math.min(t, now) : now).toISOString();
  }
}

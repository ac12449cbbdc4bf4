import { Injectable, Logger } from '@nestjs/common';
import { departmentTopics } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { Messaging, readUpTo } from '@chuishao/messaging';
import { REPLIES_CONSUMER_PURPOSE } from '../replies/department-replies.kafka.controller';

/** How long a read of the watermark is reused (each read asks Kafka for every replies topic's ends). */
const FRESH_MS = 200;

/**
 * Up to which broker time dispatch has applied the departments' replies, on every partition of
 * every replies topic (contract §4): a deadline is judged only once this has passed it, so a reply
 * that reached the bus in time but is unread — dispatch down, catching up, or its replies consumer
 * failing — is applied before the deadline is judged, however long that takes. Never a fixed grace:
 * when Kafka cannot be asked, the last value known (a true lower bound) stands.
 */
@Injectable()
export class RepliesWatermark {
  private readonly log = new Logger('RepliesWatermark');
  private known = 0;
  private askedAt = 0;
  private asking?: Promise<number>;

  constructor(private readonly messaging: Messaging) {}

  /** Broker time (ms) up to which every reply has been applied (0 until known). */
  async readTo(): Promise<number> {
    if (Date.now() - this.askedAt < FRESH_MS) return this.known;
    this.asking ??= this.ask().finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async ask(): Promise<number> {
    const topics = defaultCatalog().departments.map((d) => this.messaging.topic(departmentTopics(d.id).replies));
    try {
      const readTo = await readUpTo(this.messaging.admin, this.messaging.consumerGroupId(REPLIES_CONSUMER_PURPOSE), topics);
      this.known = Math.max(this.known, readTo);
      this.askedAt = Date.now();
    } catch (err) {
      this.log.warn({ err, msg: 'cannot read how far the replies were applied; due deadlines wait' });
    }
    return this.known;
  }
}

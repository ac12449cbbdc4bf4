import { IsInt, IsString, Matches, Min } from 'class-validator';
import { BaseServiceConfig, ToInt } from '@chuishao/platform';

/** What every Chuishao service reads from its environment (validated at boot). */
export class ServiceConfig extends BaseServiceConfig {
  /** Prefix in front of every topic name ('' in production: the contract's names). Tests and staging stacks use one each. */
  @IsString()
  @Matches(/^[a-zA-Z0-9._-]*$/, { message: 'may only contain letters, digits, . _ -' })
  CHUISHAO_TOPIC_PREFIX: string = '';

  /** Days an inbox row is kept (the consumers' dedupe window; keep it above Kafka's offsets.retention.minutes, docs/reliability.md). */
  @ToInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1 day' })
  CHUISHAO_INBOX_RETENTION_DAYS: number = 30;
}

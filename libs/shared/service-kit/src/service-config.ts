import { IsString, Matches } from 'class-validator';
import { BaseServiceConfig } from '@chuishao/platform';

/** What every Chuishao service reads from its environment (validated at boot). */
export class ServiceConfig extends BaseServiceConfig {
  /** Prefix in front of every topic name ('' in production: the contract's names). Tests and staging stacks use one each. */
  @IsString()
  @Matches(/^[a-zA-Z0-9._-]*$/, { message: 'may only contain letters, digits, . _ -' })
  CHUISHAO_TOPIC_PREFIX: string = '';
}

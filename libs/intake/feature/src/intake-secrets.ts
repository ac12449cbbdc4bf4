import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';

const MIN_FEEDBACK_SECRET_LENGTH = 32;

/**
 * The feedback secret (`CHUISHAO_FEEDBACK_SECRET`, contract §5, §14): required in production, at
 * least 32 characters, and never the JWT secret — rotating either voids nothing of the other
 * (tokens; feedback links). Outside production, when unset, a random secret for this process only
 * (links shown again after a restart no longer work; `npm start` keeps one in .data/). Pure; the
 * value is never logged.
 */
export function feedbackSecretFrom(env: NodeJS.ProcessEnv, warn: (line: string) => void = () => undefined): string {
  const given = env['CHUISHAO_FEEDBACK_SECRET']?.trim();
  if (given) {
    if (given.length < MIN_FEEDBACK_SECRET_LENGTH) throw new Error(`intake: CHUISHAO_FEEDBACK_SECRET must be at least ${MIN_FEEDBACK_SECRET_LENGTH} characters long`);
    if (given === env['CHUISHAO_JWT_SECRET']?.trim()) throw new Error('intake: CHUISHAO_FEEDBACK_SECRET must differ from CHUISHAO_JWT_SECRET (rotating one must not void the other)');
    return given;
  }
  if (env['NODE_ENV'] === 'production') throw new Error('intake: CHUISHAO_FEEDBACK_SECRET is required in production (it signs the residents’ one-time feedback links)');
  warn('CHUISHAO_FEEDBACK_SECRET is not set: using a random secret for this process (feedback links shown again after a restart will not match; npm start provides one)');
  return randomBytes(48).toString('base64url');
}

/** The secrets intake derives things from: the feedback links' secret. Read once at start; never logged. */
@Injectable()
export class IntakeSecrets {
  readonly feedbackSecret: string;

  constructor() {
    const log = new Logger('IntakeSecrets');
    this.feedbackSecret = feedbackSecretFrom(process.env, (line) => log.warn(line));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS, type JwtVerifierOptions } from '@chuishao/auth';

/**
 * The secrets intake derives things from: feedback tokens (CHUISHAO_FEEDBACK_SECRET, else the JWT
 * secret) and street Open311 keys (CHUISHAO_JWT_SECRET, as `npm run token -- street <id> --open311`
 * issues them). Read once at start; never logged.
 */
@Injectable()
export class IntakeSecrets {
  readonly jwtSecret: string | undefined;
  readonly feedbackSecret: string;

  constructor(@Inject(AUTH_OPTIONS) auth: JwtVerifierOptions) {
    this.jwtSecret = auth.secret || process.env['CHUISHAO_JWT_SECRET'] || undefined;
    const feedback = process.env['CHUISHAO_FEEDBACK_SECRET'] || this.jwtSecret;
    if (!feedback) throw new Error('intake: CHUISHAO_FEEDBACK_SECRET (or CHUISHAO_JWT_SECRET) is required to sign feedback links');
    this.feedbackSecret = feedback;
  }
}

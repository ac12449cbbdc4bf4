import { createHash, createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { WhistleView } from '@chuishao/intake-domain';
import type { FeedbackLinkProvider } from '../whistles/whistle.presenter';
import { IntakeSecrets } from '../intake-secrets';

/** SHA-256 hex of a token: the only form in which a feedback token is stored or published. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * One-time feedback links (contract §5). The token is never stored: it is
 * base64url(HMAC-SHA256(secret, `${whistleId}:${feedbackRequestedEventId}`)), so intake can show the
 * link again to the owning street, while the database and the bus hold only SHA-256(token).
 */
@Injectable()
export class FeedbackTokens implements FeedbackLinkProvider {
  constructor(private readonly secrets: IntakeSecrets) {}

  tokenFor(whistleId: string, feedbackRequestedEventId: string): string {
    return createHmac('sha256', this.secrets.feedbackSecret).update(`${whistleId}:${feedbackRequestedEventId}`, 'utf8').digest('base64url');
  }

  linkFor(view: WhistleView): string | null {
    if (view.feedback?.status !== 'REQUESTED') return null;
    return `/feedback/${this.tokenFor(view.id, view.feedback.requestEventId)}`;
  }
}

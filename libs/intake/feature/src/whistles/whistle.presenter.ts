import type { Principal } from '@chuishao/auth';
import type { WhistleView } from '@chuishao/intake-domain';

export interface FeedbackLinkProvider {
  linkFor(view: WhistleView): string | null;
}

/**
 * The contract's read model of a whistle as one principal may see it (§2, §5). The feedback link
 * is shown to the owning street only, while it is unused and not expired; once given, everyone
 * who may read the whistle sees the rating.
 */
export function presentWhistle(view: WhistleView, principal: Principal, links?: FeedbackLinkProvider, now: Date = new Date()) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { requestedDepartments, hints, attachments, escalations, version, feedback, localEventIds, ...rest } = view;
  let feedbackOut: { link: string; expiresAt: string } | { status: 'GIVEN'; rating?: string; score?: number } | null = null;
  if (feedback?.status === 'REQUESTED' && principal.role === 'street' && principal.org === view.streetId && feedback.expiresAt > now.toISOString()) {
    const link = links?.linkFor(view);
    feedbackOut = link ? { link, expiresAt: feedback.expiresAt } : null;
  } else if (feedback?.status === 'GIVEN') {
    feedbackOut = { status: 'GIVEN', rating: feedback.rating, score: feedback.score };
  }
  return { ...rest, requestedDepartments, hints, attachments, escalations, feedback: feedbackOut, projectionVersion: version };
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@chuishao/event-store';
import { type Queryable } from '@chuishao/postgres';
import { Messaging, publishing } from '@chuishao/messaging';
import { TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { counter, problem, ProblemException } from '@chuishao/platform';
import { anonymiseWhistle, applyLocally, decide, whistleState, type WhistleView } from '@chuishao/intake-domain';
import type { Rating } from '@chuishao/intake-contracts';
import { asProblem } from '../domain-problem';
import { WhistleRepository } from '../whistles/whistle.repository';
import { toViewEvent } from '../whistles/street-acts-on-whistle.handler';
import { hashToken } from './feedback-tokens';
import { FeedbackTokenRepository, type FeedbackTokenRow } from './feedback-token.repository';

const feedbackTotal = counter('chuishao_intake_feedback_total', 'Resident feedback given, by rating', ['rating']);

/** Who gives feedback through a one-time link: a resident, unauthenticated (recorded as the event's actor). */
const RESIDENT_ACTOR = { role: 'resident', org: null, sub: 'feedback-link' } as const;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/** 410 Gone for an expired link: the link existed, and will never work again. */
function expired(): ProblemException {
  return problem(410, '评价链接已过期 / Feedback link expired', '该评价链接已超过 30 天有效期 / This feedback link expired (links are valid for 30 days)', undefined, {
    type: 'https://chuishao.dev/problems/feedback-expired',
  });
}

/** The resident's side of contract §5: the whistle summary behind a link, and the one-time rating. */
@Injectable()
export class FeedbackHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly messaging: Messaging,
    private readonly whistles: WhistleRepository,
    private readonly feedbackTokens: FeedbackTokenRepository,
  ) {}

  private async tokenRow(db: Queryable, token: string, lock: boolean): Promise<FeedbackTokenRow> {
    if (!TOKEN_SHAPE.test(token)) throw ProblemException.notFound('评价链接无效 / Unknown feedback link');
    const row = await this.feedbackTokens.find(db, hashToken(token), { lock });
    if (!row) throw ProblemException.notFound('评价链接无效 / Unknown feedback link');
    return row;
  }

  /** The whistle behind a link, without personal data: no title, description, address, attachments or people. */
  async summary(token: string) {
    const row = await this.tokenRow(this.dataSource, token, false);
    if (!row.used_at && new Date(row.expires_at).getTime() <= Date.now()) throw expired();
    const view = await this.whistles.find(this.dataSource, row.whistle_id);
    if (!view) throw ProblemException.notFound('评价链接无效 / Unknown feedback link');
    return presentFeedbackSummary(view, row);
  }

  async give(token: string, rating: Rating, comment: string | null) {
    try {
      const summary = await this.dataSource.transaction(async (em) => {
        const row = await this.tokenRow(em, token, true);
        if (row.used_at) throw ProblemException.conflict('该评价链接已使用，每个链接只能评价一次 / This feedback link has already been used');
        if (new Date(row.expires_at).getTime() <= Date.now()) throw expired();
        const view = await this.whistles.find(em, row.whistle_id, true);
        if (!view) throw ProblemException.notFound('评价链接无效 / Unknown feedback link');
        const events = decide({ type: 'GiveFeedback', whistleId: view.id, rating, comment, now: new Date().toISOString() }, whistleState(view));
        const streamId = `whistle-${view.id}`;
        const { version } = await this.store.readStream(em, streamId);
        const meta = { correlationId: randomUUID(), causationId: null, actor: { ...RESIDENT_ACTOR } };
        const stored = await this.store.append(em, streamId, version, events, meta, undefined,
          publishing({ topic: this.messaging.topic(TOPICS.whistleEvents), source: 'intake', whistleId: view.id }));
        await this.feedbackTokens.markUsed(em, hashToken(token));
        const next = applyLocally(view, stored.map((e) => toViewEvent(e, meta.actor)));
        await this.whistles.save(em, next);
        return presentFeedbackSummary(next, { ...row, used_at: new Date() });
      });
      feedbackTotal.inc({ rating });
      return summary;
    } catch (err) {
      throw asProblem(err);
    }
  }
}

function presentFeedbackSummary(view: WhistleView, row: FeedbackTokenRow) {
  const catalog = defaultCatalog();
  const situation = catalog.situation(view.situationCode);
  const area = catalog.area(view.area);
  const street = catalog.street(view.streetId);
  return {
    situation: { code: view.situationCode, name: situation?.name ?? view.situationCode, nameEn: situation?.nameEn ?? view.situationCode },
    area: { code: view.area, name: area?.name ?? view.area, nameEn: area?.nameEn ?? view.area },
    street: { id: view.streetId, name: street?.name ?? '', nameEn: street?.nameEn ?? '' },
    status: view.status,
    level: view.level,
    departments: view.assignments
      .filter((a) => a.status !== 'REASSIGNED')
      .map((a) => {
        const d = catalog.department(a.departmentId);
        return { name: d?.name ?? '', nameEn: d?.nameEn ?? '', role: a.role };
      }),
    createdAt: view.createdAt,
    resolvedAt: new Date(row.resolved_at).toISOString(),
    // the resident follows the case: its public progress (公示公开), before and after rating
    progress: anonymiseWhistle(view, catalog, new Date()) ?? null,
    feedback: {
      status: row.used_at || view.feedback?.status === 'GIVEN' ? ('GIVEN' as const) : ('REQUESTED' as const),
      expiresAt: new Date(row.expires_at).toISOString(),
      ...(view.feedback?.status === 'GIVEN' ? { rating: view.feedback.rating, score: view.feedback.score } : {}),
    },
  };
}

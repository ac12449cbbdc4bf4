import { Module } from '@nestjs/common';
import { WhistlesHttpController } from './whistles/whistles.http.controller';
import { BlowWhistleHandler } from './whistles/blow-whistle.handler';
import { WhistleRepository } from './whistles/whistle.repository';
import { StreetActsOnWhistleHandler } from './whistles/street-acts-on-whistle.handler';
import { WhistleEventsKafkaController } from './projection/whistle-events.kafka.controller';
import { StuckNoticesKafkaController } from './projection/stuck-notices.kafka.controller';
import { StuckWhistlesRepository } from './projection/stuck-whistles.repository';
import { CatalogHttpController } from './catalog/catalog.http.controller';
import { TriagePolicyRepository } from './catalog/triage-policy.repository';
import { TriagePolicyPublishedKafkaController } from './catalog/triage-policy-published.kafka.controller';
import { FeedbackHttpController } from './feedback/feedback.http.controller';
import { FeedbackHandler } from './feedback/feedback.handler';
import { FeedbackTokens } from './feedback/feedback-tokens';
import { FeedbackTokenRepository } from './feedback/feedback-token.repository';
import { BoardRepository } from './board/board.repository';
import { BoardHttpController } from './board/board.http.controller';
import { IntakeSecrets } from './intake-secrets';
import { Open311HttpController } from './open311/open311.http.controller';
import { Open311HttpSetup } from './open311/open311-http-setup';
import { PublicHttpController } from './public/public.http.controller';
import { Open311KeysHttpController } from './open311-keys/open311-keys.http.controller';
import { Open311KeysHandler } from './open311-keys/open311-keys.handler';
import { Open311KeysRepository } from './open311-keys/open311-keys.repository';
import { Open311KeyVerifier } from './open311-keys/open311-key-verifier';

@Module({
  controllers: [
    WhistlesHttpController,
    CatalogHttpController,
    FeedbackHttpController,
    BoardHttpController,
    Open311HttpController,
    PublicHttpController,
    Open311KeysHttpController,
    WhistleEventsKafkaController,
    TriagePolicyPublishedKafkaController,
    StuckNoticesKafkaController,
  ],
  providers: [
    IntakeSecrets,
    BlowWhistleHandler,
    StreetActsOnWhistleHandler,
    WhistleRepository,
    BoardRepository,
    TriagePolicyRepository,
    FeedbackTokens,
    FeedbackTokenRepository,
    FeedbackHandler,
    StuckWhistlesRepository,
    Open311HttpSetup,
    Open311KeysRepository,
    Open311KeysHandler,
    Open311KeyVerifier,
  ],
  exports: [BlowWhistleHandler, WhistleRepository, Open311KeyVerifier],
})
export class IntakeFeatureModule {}

import { Module } from '@nestjs/common';
import { SummonWhenWhistleTriagedHandler } from './summon/summon-when-whistle-triaged.handler';
import { DispatchWhistleEventsKafkaController } from './summon/whistle-events.kafka.controller';
import { WhistleBriefs } from './whistle/whistle-briefs';
import { RecentBriefs } from './whistle/recent-briefs';
import { DispatchStreams } from './whistle/dispatch-streams';
import { ReactToWhistleFactsHandler } from './whistle-facts/react-to-whistle-facts.handler';
import { ApplyReplyHandler } from './replies/apply-reply.handler';
import { DepartmentRepliesKafkaController } from './replies/department-replies.kafka.controller';
import { ReplyReceipts } from './replies/reply-receipts';
import { RepliesRepository } from './replies/replies.repository';
import { AssignmentsHttpController } from './assignments/assignments.http.controller';
import { AssignmentRepository } from './assignments/assignment.repository';
import { ResolveDisputeHandler } from './assignments/resolve-dispute.handler';
import { DeadlineScheduler } from './deadlines/deadline.scheduler';
import { RepliesWatermark } from './deadlines/replies-watermark';
import { DeadlinesRepository } from './deadlines/deadlines.repository';
import { HttpReplies } from './assignments/http-replies';
import { ExtensionsHttpController } from './extensions/extensions.http.controller';
import { ExtensionRequestRepository } from './extensions/extension-requests.repository';
import { DecideExtensionHandler } from './extensions/decide-extension.handler';
import { AssessmentEventsKafkaController } from './scoring-policy/assessment-events.kafka.controller';
import { ScoringPolicyCaps } from './scoring-policy/scoring-policy-caps';
import { AlertsHttpController } from './alerts/alerts.http.controller';
import { AlertsRepository } from './alerts/alerts.repository';

@Module({
  controllers: [DispatchWhistleEventsKafkaController, DepartmentRepliesKafkaController, AssessmentEventsKafkaController, ExtensionsHttpController, AssignmentsHttpController, AlertsHttpController],
  providers: [
    WhistleBriefs,
    RecentBriefs,
    DispatchStreams,
    SummonWhenWhistleTriagedHandler,
    ReactToWhistleFactsHandler,
    ApplyReplyHandler,
    RepliesRepository,
    ReplyReceipts,
    AssignmentRepository,
    ResolveDisputeHandler,
    HttpReplies,
    ExtensionRequestRepository,
    DecideExtensionHandler,
    ScoringPolicyCaps,
    RepliesWatermark,
    DeadlinesRepository,
    DeadlineScheduler,
    AlertsRepository,
  ],
})
export class DispatchFeatureModule {}

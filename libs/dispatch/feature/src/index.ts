export * from './dispatch-feature.module';
export { DeadlineScheduler, MAX_SLEEP_MS } from './deadlines/deadline.scheduler';
export { DEPARTMENT_REPLIES_PATTERN, departmentOfTopic, DISPATCH_REPLIES_CONSUMER, REPLIES_CONSUMER_PURPOSE } from './replies/department-replies.kafka.controller';
export { replyProblem, normaliseReply } from './replies/reply-message.schema';

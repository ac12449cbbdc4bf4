export { DispatchFeatureModule } from './dispatch-feature.module';
export { DEPARTMENT_REPLIES_PATTERN, REPLIES_CONSUMER_PURPOSE } from './replies/department-replies.kafka.controller';

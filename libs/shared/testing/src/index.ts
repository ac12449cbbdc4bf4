export { freshDatabase, testTopicPrefix, deleteTestTopics, kafkaBrokers, testKafkaConnection, testKafka, eventually, whistleEnvelope, whistleBlownData, parseTestJson, silentLog, TEST_JWT_SECRET, TEST_FEEDBACK_SECRET } from './support';
export { startServiceForTest, type ServiceUnderTest } from './service';
export { pausedSecondMember } from './group-member';
export { fuzzBoundary, fuzzRuns, type FuzzRoute } from './boundary-fuzz';
export { DeciderSpecification } from './decider-spec';
export { controllersOf, routesOf, type DeclaredRoute } from './route-table';
export { declaredTopicsOutsideAcls, principalKafkaConfig, grantTestAcls, kafkaIsSecured } from './kafka-acls';
export { kcatCanConnect, kcatArgs, KCAT_INSTALLED } from './kcat';
export { csvAsOneTable, LOCAL_TIME, UUID } from './csv';

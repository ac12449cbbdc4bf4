export { toEnvelope, envelopeOrReject, type Envelope } from './envelope';
export { ensureTopics, prefixed, type TopicSpec } from './topics'; // ensureTopics: scripts/bench/floor.js makes its topics with it
export { enqueue, publishing, publishingEach, type OutboxMessage } from './outbox-insert';
export { processOnceAtBatchEnd, processOnceInOneStatement, currentManager, inboxHas, processOnce, type InboxGate } from './inbox';
export { RejectMessage, rejectedTopicFor } from './rejected';
export { kafkaConnection, createKafka, type KafkaConnection } from './kafka';
export { type Membership, PARK_PERMANENT_FAILURES, KafkaEventServer } from './kafka-event.server';
export { KafkaEventContext, type ConsumerFetch, PROJECTION_FETCH } from './kafka-event.context';
export { ParkedMigration1732500000002, type StuckNotice } from './parking';
export { readUpTo } from './read-watermark';
export { Messaging, MessagingModule } from './messaging.module';
export { OUTBOX_WAKE_OPTION } from './outbox-commits';
export { serviceTopics, kafkaPrincipals, kafkaAclBindings, createAcls, deleteAcls, kafkaAclCommands, KAFKA_ADMIN_PRINCIPAL, KAFKA_SERVICES, servicePrincipal, departmentPrincipal, type AclOperation, type AclBinding } from './acls';

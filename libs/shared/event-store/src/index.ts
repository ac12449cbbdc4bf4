export { canonicalJson } from './canonical-json';
export { chainHash, verifyChain, verifyMerged, bodyOf, GENESIS_HASH, type MergedEvent, type OriginalStream } from './hash-chain';
export { type EventMetadata, type NewEvent, type StoredEvent, type EventDraft, ConcurrencyError } from './types';
export { inWrittenStreams, chainedBody, type EventRow, type EventStoreOptions, EventStore } from './event-store';
export { EventStoreMigration1732500000000, OutboxWakeMigration1732500000001 } from './migrations';
export { DatabaseModule } from './database.module';
export { noteBad, auditStore, type BadStream, type StoreAudit } from './store-audit';
export { CommandHandler, appendAtHead } from './command-handler';

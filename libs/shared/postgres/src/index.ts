export { statementName, trackWrites, PreparingClient } from './prepared-client';
export { ensureDatabaseAndSchema, serviceDataSource, migrateUnderLock, openServiceDatabase, type ServiceDatabaseOptions } from './database';
export { type Outcome, GroupCommitter } from './group-commit';
export { insertRows, type ColumnSpec, columnNames } from './row-source';
export { companionCtes, runTogether, renumbered, type Queryable, type Companion } from './companions';

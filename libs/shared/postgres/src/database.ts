import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource, type Logger as TypeOrmLogger, type MigrationInterface } from 'typeorm';
import { statementLabel } from '@chuishao/platform';
import { PreparingClient } from './prepared-client';

type MigrationClass = new () => MigrationInterface;

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own schema: intake, triage, dispatch, assessment. */
  schema: string;
  migrations: MigrationClass[];
  poolSize?: number;
  applicationName?: string;
  /** More `-c name=value` settings for every session of the pool (e.g. the messaging library's OUTBOX_WAKE_OPTION). */
  sessionOptions?: string;
}

const SAFE_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the database (if the server lets us) and the service's schema, idempotently. */
export async function ensureDatabaseAndSchema(url: string, schema: string): Promise<void> {
  if (!SAFE_IDENT.test(schema)) throw new Error(`unsafe schema name: ${schema}`);
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  if (!SAFE_IDENT.test(dbName)) throw new Error(`unsafe database name: ${dbName}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const adminClient = new Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    const exists = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) {
      try {
        await adminClient.query(`CREATE DATABASE "${dbName}"`);
      } catch (e) {
        // 42P04 / 23505: another service created it at the same moment.
        if (!['42P04', '23505'].includes((e as { code?: string }).code ?? '')) throw e;
      }
    }
  } finally {
    await adminClient.end();
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(4242)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query('SELECT pg_advisory_unlock(4242)');
  } finally {
    await client.end();
  }
}

/**
 * TypeORM's logger for the services: a failing query is one warning through the service's logger
 * (pino), with its SQLSTATE, constraint, table and statement label — never its parameters, its text
 * or PostgreSQL's detail (contract §10: `err` goes through the platform's safe error serializer).
 * TypeORM's own loggers print the query with `-- PARAMETERS: [...]` to the console. Only query
 * errors are enabled (`logging: ['error']`, as before); the error itself reaches the caller, who
 * logs it through the same serializer.
 */
export const databaseLogger: TypeOrmLogger = {
  logQuery: () => undefined,
  logQueryError: (error, query) => {
    const statement = statementLabel(query) ?? 'statement';
    new Logger('Database').warn({ msg: `query failed: ${statement}`, statement, err: typeof error === 'string' ? { message: error } : error });
  },
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

/**
 * TypeORM data source for one service: its schema first on the search_path, migrations, never
 * synchronize; its connections are PreparingClients (prepared statements, tracked writes).
 */
export function serviceDataSource(opts: ServiceDatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    logger: databaseLogger,
    applicationName: opts.applicationName ?? `chuishao-${opts.schema}`,
    extra: { max: opts.poolSize ?? 20, options: `-c search_path=${opts.schema}${opts.sessionOptions ? ` ${opts.sessionOptions}` : ''}`, Client: PreparingClient },
  });
}

/**
 * Runs the pending migrations while holding a session advisory lock of the service's schema, on a
 * connection of its own: TypeORM takes no lock, and two instances of a service starting together
 * (replicas, or the one-shot migration and a service) would both apply the same migration.
 */
export async function migrateUnderLock(ds: DataSource, url: string, schema: string): Promise<void> {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`chuishao-migrate-${schema}`]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.end(); // ends the session, and with it the lock
  }
}

/** Ensures schema, initialises the data source and runs pending migrations. */
export async function openServiceDatabase(opts: ServiceDatabaseOptions): Promise<DataSource> {
  await ensureDatabaseAndSchema(opts.url, opts.schema);
  const ds = serviceDataSource(opts);
  await ds.initialize();
  await migrateUnderLock(ds, opts.url, opts.schema);
  const [{ autovacuum }]: Array<{ autovacuum: string }> = await ds.query('SHOW autovacuum');
  if (autovacuum !== 'on') {
    // the services prepare their statements; a generic plan made on small tables stays until an
    // ANALYZE, and the outbox's and deadlines' deleted rows stay until a VACUUM
    new Logger('Database').warn(
      `PostgreSQL 的 autovacuum 已关闭：表不会被自动 ANALYZE/VACUUM，请定期运行 VACUUM ANALYZE / autovacuum is off on this server: schema "${opts.schema}" is never analyzed or vacuumed unless you run VACUUM ANALYZE regularly`,
    );
  }
  return ds;
}

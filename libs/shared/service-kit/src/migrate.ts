import { Matches, IsString } from 'class-validator';
import { ensureDatabaseAndSchema, migrateUnderLock, serviceDataSource } from '@chuishao/postgres';
import { loadConfig } from '@chuishao/platform';
import { serviceMigrations, type ServiceKitOptions } from './service-kit.module';

/** All that `<service> migrate` reads from its environment (no port, no Kafka, no secrets but the URL). */
class MigrationConfig {
  /** PostgreSQL connection URL (may hold a password: never logged). */
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/chuishao';
}

/**
 * The one-shot migration of a service's schema (`node …/main.js migrate`: the image's `migrate`
 * command, the compose `migrate` service, the Kubernetes Job): the database and schema ensured,
 * the pending migrations applied under the schema's advisory lock, then exit 0. A service started
 * afterwards finds nothing pending; one started meanwhile waits for the lock.
 */
export async function migrateService(o: Pick<ServiceKitOptions, 'service' | 'migrations'>): Promise<number> {
  const config = loadConfig(MigrationConfig);
  await ensureDatabaseAndSchema(config.DATABASE_URL, o.service);
  const ds = serviceDataSource({ url: config.DATABASE_URL, schema: o.service, migrations: serviceMigrations(o.migrations), poolSize: 2, applicationName: `chuishao-${o.service}-migrate` });
  await ds.initialize();
  try {
    await migrateUnderLock(ds, config.DATABASE_URL, o.service);
    const [{ n }]: Array<{ n: string }> = await ds.query('SELECT count(*) AS n FROM migrations');
    return Number(n);
  } finally {
    await ds.destroy();
  }
}

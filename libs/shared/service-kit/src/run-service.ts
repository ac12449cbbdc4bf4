import type { DynamicModule } from '@nestjs/common';
import { bootstrapService, loadConfig, type OpenApiOptions } from '@chuishao/platform';
import { Messaging } from '@chuishao/messaging';
import { eventServers, ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
import { ServiceConfig } from './service-config';
import { migrateService } from './migrate';

/**
 * main.ts of every service: validate the environment, assemble, connect the Kafka consumers, listen.
 * With the argument `migrate`: only migrate the service's schema, then exit (see migrate.ts).
 */
export async function runService(
  o: Omit<ServiceKitOptions, 'config'> & { openapi: OpenApiOptions; configClass?: new () => ServiceConfig },
): Promise<void> {
  if (process.argv[2] === 'migrate') {
    try {
      const applied = await migrateService(o);
      process.stdout.write(`${o.service}: schema "${o.service}" migrated (${applied} migrations applied in all)\n`);
      process.exit(0);
    } catch (err) {
      process.stderr.write(`${o.service}: migration failed\n${(err as Error).message}\n`);
      process.exit(1);
    }
  }
  let config: ServiceConfig;
  try {
    config = loadConfig(o.configClass ?? ServiceConfig);
  } catch (err) {
    process.stderr.write(`${o.service}: invalid configuration\n${(err as Error).message}\n`);
    process.exit(78);
  }
  const module: DynamicModule = ServiceKitModule.forRoot({ ...o, config });
  await bootstrapService({
    name: o.service,
    module: module as never,
    config,
    openapi: o.openapi,
    microservices: (app) => eventServers(app.get(Messaging), o),
  });
}

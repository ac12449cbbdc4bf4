import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openServiceDatabase, type ServiceDatabaseOptions } from '@chuishao/postgres';
import { EventStore, type EventStoreOptions } from './event-store';

/**
 * The service's PostgreSQL: schema ensured and migrations applied before anything else starts;
 * `DataSource` and the service's `EventStore` injectable everywhere.
 */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: ServiceDatabaseOptions & { eventStore?: EventStoreOptions }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        { provide: DataSource, useFactory: () => openServiceDatabase(options) },
        { provide: EventStore, useValue: new EventStore(options.eventStore) },
      ],
      exports: [DataSource, EventStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

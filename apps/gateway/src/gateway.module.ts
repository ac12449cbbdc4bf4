import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayConfig } from './gateway.config';
import { GatewayController } from './gateway.controller';

/** The gateway's own routes: /health (minimal) and /api/v1. /metrics is on the internal listener. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [GatewayController],
      providers: [{ provide: GatewayConfig, useValue: config }],
    };
  }
}

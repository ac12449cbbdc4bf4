import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsController } from '@chuishao/platform';
import { GatewayConfig } from './gateway.config';
import { GatewayController } from './gateway.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [GatewayController, MetricsController],
      providers: [{ provide: GatewayConfig, useValue: config }],
    };
  }
}

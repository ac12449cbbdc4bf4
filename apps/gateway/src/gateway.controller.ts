import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@chuishao/platform';
import { GatewayConfig } from './gateway.config';
import { publicHealth, systemHealth, type PublicHealth } from './health';
import { upstreams } from './upstreams';
import { Access, PUBLIC_ACCESS } from '@chuishao/platform';

@ApiTags('ops')
@Controller()
export class GatewayController {
  constructor(@Inject(GatewayConfig) private readonly config: GatewayConfig) {}

  /**
   * The system's /health (contract §0), for anyone: statuses only. The same report with its
   * causes is on the internal listener (internal.ts).
   */
  @Get('health')
  @Access(PUBLIC_ACCESS)
  @Public()
  @ApiOperation({ summary: '系统健康检查 / Health of every service, the database and Kafka' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<PublicHealth> {
    const report = await systemHealth(upstreams(this.config));
    void reply.code(report.status === 'error' ? 503 : 200);
    return publicHealth(report);
  }

  @Get('api/v1')
  @Access(PUBLIC_ACCESS)
  @Public()
  @ApiExcludeEndpoint()
  index() {
    return { name: 'Chuishao 吹哨报到', docs: '/docs', openapi: '/docs-json', asyncapi: '/docs/asyncapi', health: '/health', console: '/' };
  }
}

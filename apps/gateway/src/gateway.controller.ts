import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@chuishao/platform';
import { GatewayConfig } from './gateway.config';
import { getJson, SERVICES, upstreams } from './upstreams';
import { Access, PUBLIC_ACCESS } from '@chuishao/platform';

/** The system's /health (contract §0): ok only when every service, its database and Kafka answer; degraded (200) while a consumer retries after a transient failure. */
@ApiTags('ops')
@Controller()
export class GatewayController {
  constructor(@Inject(GatewayConfig) private readonly config: GatewayConfig) {}

  @Get('health')
  @Access(PUBLIC_ACCESS)
  @Public()
  @ApiOperation({ summary: '系统健康检查 / Health of every service, the database and Kafka' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const urls = upstreams(this.config);
    const entries = await Promise.all(
      SERVICES.map(async (name) => {
        try {
          const r = await getJson(`${urls[name]}/health`);
          const body = r.body as { status?: string; checks?: Record<string, unknown> } | undefined;
          if (r.status === 200 && (body?.status === 'ok' || body?.status === 'degraded')) return [name, { status: body.status === 'ok' ? 'up' : 'degraded', checks: body.checks }] as const;
          return [name, { status: 'down', checks: body?.checks ?? {}, error: `HTTP ${r.status}` }] as const;
        } catch (err) {
          return [name, { status: 'down', error: (err as Error).name === 'AbortError' ? 'timeout' : (err as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    // degraded: every service answers, but one retries a message after a transient failure (contract §10)
    const down = entries.some(([, v]) => v.status === 'down');
    const degraded = entries.some(([, v]) => v.status === 'degraded');
    void reply.code(down ? 503 : 200);
    return { status: down ? 'error' : degraded ? 'degraded' : 'ok', checks };
  }

  @Get('api/v1')
  @Access(PUBLIC_ACCESS)
  @Public()
  @ApiExcludeEndpoint()
  index() {
    return { name: 'Chuishao 吹哨报到', docs: '/docs', health: '/health', console: '/' };
  }
}

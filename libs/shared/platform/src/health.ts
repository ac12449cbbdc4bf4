import {
  Controller,
  DynamicModule,
  Get,
  Inject,
  InjectionToken,
  Module,
  ModuleMetadata,
  Optional,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiPublic } from './openapi/decorators';
import type { FastifyReply } from 'fastify';
import { MetricsController } from './metrics';
import { Public } from './public';
import { Access, PUBLIC_ACCESS } from './access';

/**
 * One dependency to check. `check()` resolving = up; resolving `{ degraded }` = degraded with
 * that cause (working, but not as it should: e.g. a consumer retrying after a transient failure);
 * throwing (or timing out) = down.
 */
export interface HealthCheck {
  name: string;
  check(): Promise<void | { degraded: string } | undefined>;
}

/** DI token for the `HealthCheck[]` of a service. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

const HEALTH_CHECK_TIMEOUT_MS = 2000;

export type CheckStatus = { status: 'up' } | { status: 'degraded'; cause: string } | { status: 'down'; error: string };

/** `ok` when every check is up, `degraded` (still HTTP 200) when none is down, else `error` (503). */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'error';
  checks: Record<string, CheckStatus>;
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'check failed';
  return (message || (err instanceof Error ? err.name : 'check failed')).slice(0, 300);
}

/** Runs every check in parallel, each bounded by `timeoutMs`; `ok` only when all are up. */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs: number = HEALTH_CHECK_TIMEOUT_MS,
): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, CheckStatus]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const result = await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
        return [c.name, result && typeof result.degraded === 'string' ? { status: 'degraded', cause: result.degraded.slice(0, 300) } : { status: 'up' }];
      } catch (err: unknown) {
        return [c.name, { status: 'down', error: errorMessage(err) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checksByName: Record<string, CheckStatus> = {};
  for (const [name, status] of results) checksByName[name] = status;
  const statuses = results.map(([, s]) => s.status);
  return {
    status: statuses.includes('down') ? 'error' : statuses.includes('degraded') ? 'degraded' : 'ok',
    checks: checksByName,
  };
}

/** `SELECT 1` through anything with `query(sql)` (pg Pool/Client, TypeORM DataSource). */
export function postgresHealthCheck(db: { query(sql: string): Promise<unknown> }, name = 'postgres'): HealthCheck {
  return {
    name,
    async check() {
      await db.query('SELECT 1');
    },
  };
}

/** `describeCluster()` through a connected kafkajs Admin (or anything shaped like it). */
export function kafkaHealthCheck(admin: { describeCluster(): Promise<unknown> }, name = 'kafka'): HealthCheck {
  return {
    name,
    async check() {
      await admin.describeCluster();
    },
  };
}

/**
 * Another service's health over HTTP (for the gateway's aggregate /health): up when
 * `GET url` answers 2xx. The fetch is aborted by the runner's timeout budget (2 s).
 */
export function httpHealthCheck(name: string, url: string, timeoutMs: number = HEALTH_CHECK_TIMEOUT_MS): HealthCheck {
  return {
    name,
    async check() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      const body = (await res.json().catch(() => undefined)) as HealthReport | undefined;
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      if (body?.status === 'degraded') {
        const causes = Object.entries(body.checks ?? {}).flatMap(([name, c]) => (c.status === 'degraded' ? [`${name}: ${c.cause}`] : []));
        return { degraded: causes.join('; ') || 'degraded' };
      }
      return undefined;
    },
  };
}

/**
 * GET /health → 200 `{"status":"ok","checks":{"postgres":{"status":"up"}}}` or
 * 503 `{"status":"error","checks":{"kafka":{"status":"down","error":"…"}}}`. No auth.
 */
@ApiSchema({ name: 'HealthReport' })
class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error'], example: 'ok', description: 'ok：全部正常；degraded：可用但有重试（仍为 200）；error：有依赖不可用（503）' }) status!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { postgres: { status: 'up' }, kafka: { status: 'up' } },
    description: '逐项检查（网关：逐个服务）/ check by check (at the gateway: service by service)',
  })
  checks!: Record<string, unknown>;
}

@ApiTags('ops')
@Public()
@ApiPublic()
@Controller()
export class HealthController {
  constructor(@Optional() @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[] = []) {}

  @Get('health')
  @Access(PUBLIC_ACCESS)
  @ApiOperation({ summary: '健康检查 / Health check of this service and its dependencies' })
  @ApiOkResponse({ type: HealthReportDto, description: '全部正常或降级 / all checks up (or degraded)' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: '有依赖不可用 / one or more checks down' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await runHealthChecks(this.checks ?? []);
    void reply.code(report.status === 'error' ? 503 : 200);
    return report;
  }
}

export interface PlatformModuleOptions {
  /** Modules providing what the health checks need (e.g. the database module). */
  imports?: ModuleMetadata['imports'];
  /** Tokens handed to `healthChecks`, in order. */
  inject?: InjectionToken[];
  /** Builds the service's health checks from the injected dependencies. */
  healthChecks?: (...deps: never[]) => HealthCheck[] | Promise<HealthCheck[]>;
}

/**
 * Adds GET /health and GET /metrics to a service:
 * `PlatformModule.forRoot({ inject: [DataSource], healthChecks: (ds: DataSource) => [postgresHealthCheck(ds)] })`.
 * (Alternatively, list {@link HealthController}/{@link MetricsController} in your own module and
 * provide {@link HEALTH_CHECKS} there.)
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions = {}): DynamicModule {
    const factory = options.healthChecks ?? (() => []);
    return {
      module: PlatformModule,
      imports: options.imports ?? [],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: HEALTH_CHECKS,
          useFactory: factory as (...deps: unknown[]) => HealthCheck[] | Promise<HealthCheck[]>,
          inject: options.inject ?? [],
        },
      ],
      exports: [HEALTH_CHECKS],
    };
  }
}

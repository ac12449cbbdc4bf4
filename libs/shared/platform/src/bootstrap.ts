import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { TestingModule } from '@nestjs/testing';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { BaseServiceConfig } from './config';
import { createLogger, Logger, PinoNestLogger } from './logger';
import { installSecurityHeaders, trustProxyOption } from './edge';
import { configureMetrics, installHttpMetrics } from './metrics';
import { installProblemHooks, ProblemDetailsFilter } from './problem-filter';
import { installTextRules } from './text-rules.http';
import { serviceOpenApiDocument, type OpenApiOptions } from './openapi/document';
import { createValidationPipe } from './validation';

/** Request bodies above this are refused with 413 (contract §0: 256 KiB). */
export const BODY_LIMIT_BYTES = 262_144;

export interface ConfigureAppOptions {
  /** pino logger: Nest's own logs go through it, and the error filter logs 5xx with it. */
  logger?: Logger;
  /** Service name for the metrics' `service` label. */
  service?: string;
}

const configured = new WeakSet<object>();

function genReqId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Services sit behind the gateway on this machine: they believe the address it forwards, nobody else's. */
const SERVICE_TRUSTED_PROXIES: readonly string[] = ['loopback'];

/**
 * The Fastify adapter every server uses (256 KiB body limit, request ids), believing forwarded
 * headers only from `trustedProxies` (`CHUISHAO_TRUSTED_PROXIES`; none = the socket is the client).
 */
export function createFastifyAdapter(logger?: Logger, trustedProxies: readonly string[] = SERVICE_TRUSTED_PROXIES): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(trustedProxies),
    // request logging stays on (Fastify's default: `disableRequestLogging: false`; the option itself
    // is deprecated since fastify 5.12 and warns when passed)
    genReqId,
    ...(logger ? { loggerInstance: logger.child({ component: 'http' }) } : {}),
  });
}

/**
 * Applies the platform's cross-cutting setup to a Nest Fastify app, before `init()`/`listen()`:
 * pino as Nest logger (when given), the security headers ({@link installSecurityHeaders}), the
 * global {@link ProblemDetailsFilter}, the global
 * validation pipe (400/422 rule), the hook keeping Fastify's raw errors for the filter, the text
 * rules on every parsed body and query (`text-rules.http.ts`: nesting ≤ 64, NFC + trim, no U+0000
 * or unpaired surrogate),
 * `x-request-id` on answers, and the HTTP metrics hook. Idempotent per app.
 *
 * `bootstrapService` calls it; integration tests call it on apps from `@nestjs/testing`
 * (or use {@link createTestApp}) so that they exercise the real error handling.
 */
export function configureApp<T extends NestFastifyApplication>(app: T, opts: ConfigureAppOptions = {}): T {
  if (configured.has(app)) return app;
  configured.add(app);
  if (opts.logger) {
    app.useLogger(new PinoNestLogger(opts.logger));
    app.flushLogs();
  }
  configureMetrics(opts.service);
  app.useGlobalFilters(new ProblemDetailsFilter(opts.logger));
  app.useGlobalPipes(createValidationPipe());
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  installSecurityHeaders(fastify);
  installProblemHooks(fastify);
  installTextRules(fastify);
  fastify.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    void reply.header('x-request-id', String(request.id));
    done();
  });
  installHttpMetrics(fastify);
  return app;
}

/** Swagger UI loads nothing from elsewhere (no validator badge from validator.swagger.io: the CSP would refuse it). */
export const SWAGGER_UI_OPTIONS = { validatorUrl: null };

/** Swagger UI at /docs, the OpenAPI JSON at /docs-json (the gateway merges the four): {@link serviceOpenApiDocument}. */
function setupOpenApi(app: NestFastifyApplication, openapi: OpenApiOptions): void {
  SwaggerModule.setup('docs', app, serviceOpenApiDocument(app, openapi), { jsonDocumentUrl: 'docs-json', swaggerOptions: SWAGGER_UI_OPTIONS });
}

/**
 * For integration tests: a Fastify app from a compiled testing module, with the same adapter
 * options and {@link configureApp}, initialised and ready for `app.inject(...)`.
 */
export async function createTestApp(
  moduleRef: TestingModule,
  opts: ConfigureAppOptions & { beforeInit?: (app: NestFastifyApplication) => void | Promise<void> } = {},
): Promise<NestFastifyApplication> {
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(opts.logger), {
    logger: opts.logger ? undefined : false,
  });
  configureApp(app, opts);
  if (opts.beforeInit) await opts.beforeInit(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export interface BootstrapOptions {
  /** Service name: the `service` field of every log line and metric. */
  name: string;
  module: Type<unknown>;
  config: BaseServiceConfig;
  openapi: OpenApiOptions;
  /** Custom transports (e.g. the Kafka consumer), built once the app's providers exist, started with the app. */
  microservices?: (app: NestFastifyApplication) => CustomTransportStrategy[];
  /** Last-minute setup (global prefix, extra hooks...) before Swagger and listen. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /** After the first SIGTERM/SIGINT, exit anyway after this long (default 9 s: every service ends within 10 s of SIGTERM, contract §10; what it had not committed is redelivered). */
  shutdownTimeoutMs?: number;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Graceful shutdown: Nest (enableShutdownHooks) closes the app on the first SIGTERM/SIGINT —
 * Fastify stops accepting, in-flight requests finish, then module shutdown hooks run and the
 * process exits 0. A second signal, or the shutdown taking longer than `timeoutMs`, exits at once.
 */
export function installForcedExit(logger: Logger, timeoutMs: number): void {
  const force = (reason: string, code: number): void => {
    logger.warn({ reason }, 'forcing exit');
    process.exit(code);
  };
  const first = (signal: NodeJS.Signals): void => {
    for (const s of Object.keys(SIGNAL_NUMBERS)) process.removeListener(s, first);
    logger.info({ signal }, 'shutting down (send the signal again to force exit)');
    const again = (s: NodeJS.Signals): void => force(`second ${s}`, 128 + (SIGNAL_NUMBERS[s] ?? 15));
    for (const s of Object.keys(SIGNAL_NUMBERS)) process.once(s, again);
    setTimeout(() => force(`shutdown took longer than ${timeoutMs} ms`, 1), timeoutMs).unref();
  };
  for (const s of Object.keys(SIGNAL_NUMBERS)) process.once(s, first);
}

/**
 * Creates, configures and starts a service: Fastify adapter (256 KiB body limit, pino logger),
 * {@link configureApp}, Swagger at /docs, shutdown hooks, the given microservice strategies
 * (`inheritAppConfig`: same filter/pipe/guards), then listens on `config.HOST:config.PORT`.
 */
export async function bootstrapService(opts: BootstrapOptions): Promise<NestFastifyApplication> {
  const logger = createLogger(opts.name, opts.config.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(opts.module, createFastifyAdapter(logger, opts.config.CHUISHAO_TRUSTED_PROXIES), {
    // pino from the first line on, so that even a failing start-up logs structured JSON
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  configureApp(app, { logger, service: opts.name });
  if (opts.configure) await opts.configure(app);
  setupOpenApi(app, opts.openapi);

  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  installForcedExit(logger, opts.shutdownTimeoutMs ?? 9_000);

  // Providers first (schema migrated, topics created, producer connected), consumers after.
  await app.init();
  for (const strategy of opts.microservices?.(app) ?? []) {
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  }
  await app.startAllMicroservices();
  await app.listen(opts.config.PORT, opts.config.HOST);

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.config.PORT;
  const host = opts.config.HOST.includes(':') ? `[${opts.config.HOST}]` : opts.config.HOST;
  const url = `http://${host}:${port}`;
  logger.info({ url, docs: `${url}/docs` }, `${opts.name} listening on ${url}`);
  return app;
}

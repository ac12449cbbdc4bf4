import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { configureApp, createFastifyAdapter, createLogger, installForcedExit, loadConfig } from '@chuishao/platform';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { systemHealth } from './health';
import { listeningUrl, startInternalListener } from './internal';
import { registerProxy } from './proxy';
import { installRateLimits } from './rate-limit';
import { serveBusDocs, setupMergedDocs } from './docs';
import { upstreams } from './upstreams';
import { registerPublicBoard } from './public-board';
import { checkSignInConfig, createSignIn } from './auth/create';
import { registerSignIn } from './auth/routes';

/**
 * The one base URL (contract §0): the API routed to its service, /docs, a minimal /health and the
 * console at /, behind the shared edge (security headers, trusted proxies) and rate limits; the
 * detailed health and /metrics on the internal listener.
 */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig(GatewayConfig);
    checkSignInConfig(config);
  } catch (err) {
    process.stderr.write(`gateway: invalid configuration\n${(err as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config),
    createFastifyAdapter(logger, config.CHUISHAO_TRUSTED_PROXIES),
    { bufferLogs: true },
  );
  configureApp(app, { logger, service: 'gateway' });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await installRateLimits(fastify, { public: config.CHUISHAO_RATE_LIMIT_PUBLIC_PER_MIN, 'sign-in': config.CHUISHAO_RATE_LIMIT_AUTH_PER_MIN });
  const signIn = createSignIn(config);
  if (signIn) {
    const sweep = setInterval(() => signIn.sweep(), 60_000);
    sweep.unref();
    fastify.addHook('onClose', async () => clearInterval(sweep));
  }
  await registerSignIn(fastify, { signIn, secret: config.CHUISHAO_SESSION_SECRET, redirectUri: config.oidcRedirectUri, log: logger });
  const bases = upstreams(config);
  await registerProxy(fastify, bases, signIn);
  registerPublicBoard(fastify, bases);
  const consoleDir = config.CONSOLE_DIR || resolve(__dirname, '../../../../apps/console/public');
  if (existsSync(join(consoleDir, 'index.html'))) {
    await fastify.register(fastifyStatic, { root: consoleDir, prefix: '/', index: ['index.html'], wildcard: false });
    // The resident's one-time feedback link (contract §5) opens the public feedback page.
    fastify.get('/feedback/:token', (_req, reply) => reply.sendFile('feedback.html'));
    // 公示公开: the public board, no sign-in (contract §13)
    fastify.get('/public', (_req, reply) => reply.sendFile('public.html'));
  }
  setupMergedDocs(app, bases, config.CHUISHAO_PUBLIC_BASE_URL);
  serveBusDocs(fastify, config.CHUISHAO_DOCS_DIR || resolve(__dirname, '../../../docs'));
  const internal = await startInternalListener(config.CHUISHAO_INTERNAL_HOST, config.CHUISHAO_INTERNAL_PORT, () => systemHealth(bases));
  fastify.addHook('onClose', async () => internal.close());
  // like the services (bootstrapService): a graceful close exits 0, a second signal or 9 s forces
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  installForcedExit(logger, 9_000);
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST}:${config.PORT}`;
  const internalUrl = listeningUrl(internal, config.CHUISHAO_INTERNAL_HOST);
  logger.info({ url, internal: internalUrl }, `gateway listening on ${url} (health details and metrics on ${internalUrl})`);
}

void main();

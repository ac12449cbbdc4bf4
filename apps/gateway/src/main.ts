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
import { registerProxy } from './proxy';
import { serveBusDocs, setupMergedDocs } from './docs';
import { upstreams } from './upstreams';
import { registerPublicBoard } from './public-board';

/** The one base URL (contract §0): the API routed to its service, /docs, /health, /metrics and the console at /. */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig(GatewayConfig);
  } catch (err) {
    process.stderr.write(`gateway: invalid configuration\n${(err as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), createFastifyAdapter(logger), { bufferLogs: true });
  configureApp(app, { logger, service: 'gateway' });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const bases = upstreams(config);
  await registerProxy(fastify, bases);
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
  // like the services (bootstrapService): a graceful close exits 0, a second signal or 20 s forces
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  installForcedExit(logger, 9_000);
  await app.listen(config.PORT, config.HOST);
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, `gateway listening on http://${config.HOST}:${config.PORT}`);
}

void main();

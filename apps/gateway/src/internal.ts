import Fastify, { type FastifyInstance } from 'fastify';
import { configureMetrics, metricsRegistry } from '@chuishao/platform';
import type { SystemHealth } from './health';

/**
 * The operators' listener (`CHUISHAO_INTERNAL_HOST:CHUISHAO_INTERNAL_PORT`, loopback by default):
 * the detailed `/health` (causes of every failing check) and the gateway's Prometheus `/metrics`.
 * Neither is on the public port: they tell an attacker versions, lags, addresses and load.
 */
export async function startInternalListener(host: string, port: number, health: () => Promise<SystemHealth>): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get('/health', async (_req, reply) => {
    const report = await health();
    return reply.code(report.status === 'error' ? 503 : 200).send(report);
  });
  server.get('/metrics', async (_req, reply) => {
    configureMetrics();
    return reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  await server.listen({ host, port });
  return server;
}

/** `http://host:port` of a listening Fastify server. */
export function listeningUrl(server: FastifyInstance, host: string): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Public } from './public';
import { Access, PUBLIC_ACCESS } from './access';

/**
 * Prometheus metrics: one registry per process. Every series carries the `service` label once
 * {@link configureMetrics} ran (bootstrapService does it). Other libraries add their metrics with
 * {@link counter} / {@link histogram} / {@link gauge}, which are idempotent by name.
 */
export const metricsRegistry = new Registry();

let defaultMetricsStarted = false;

/** Sets the `service` default label and starts Node's default metrics (once per process). */
export function configureMetrics(service?: string): Registry {
  if (service) metricsRegistry.setDefaultLabels({ service });
  if (!defaultMetricsStarted) {
    defaultMetricsStarted = true;
    // The event-loop lag is sampled every 100 ms, not prom-client's default 10 ms: each sample is a
    // timer that wakes the process, and an idle service should not wake a hundred times a second.
    // A lag worth alerting on is far longer than 100 ms anyway.
    collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 100 });
  }
  return metricsRegistry;
}

type MetricKind = typeof Counter | typeof Histogram | typeof Gauge;

function existing<M>(name: string, kind: MetricKind): M | undefined {
  const found = metricsRegistry.getSingleMetric(name);
  if (!found) return undefined;
  if (!(found instanceof kind)) {
    throw new Error(`metric ${name} is already registered with another type`);
  }
  return found as unknown as M;
}

/** A counter in the process registry; the same name returns the same counter. */
export function counter<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (
    existing<Counter<L>>(name, Counter) ??
    new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] })
  );
}

/** A histogram in the process registry (seconds buckets by default); idempotent by name. */
export function histogram<L extends string = string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets: number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
): Histogram<L> {
  return (
    existing<Histogram<L>>(name, Histogram) ??
    new Histogram<L>({ name, help, labelNames, buckets, registers: [metricsRegistry] })
  );
}

/** A gauge in the process registry; idempotent by name. */
export function gauge<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return existing<Gauge<L>>(name, Gauge) ?? new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry] });
}

/** `http_request_duration_seconds{method,route,status}`. */
const httpRequestDuration = histogram(
  'http_request_duration_seconds',
  'HTTP request duration in seconds, by method, route pattern and status code',
  ['method', 'route', 'status'] as const,
);

const instrumented = new WeakSet<object>();

/**
 * Observes every answered request in {@link httpRequestDuration}. `route` is the route pattern
 * (`/api/v1/whistles/:id`), or `unmatched` for 404s, so label cardinality stays bounded.
 * Install before `app.init()`/`listen()`; installing twice on one instance is a no-op.
 */
export function installHttpMetrics(fastify: FastifyInstance): void {
  if (instrumented.has(fastify)) return;
  instrumented.add(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/** GET /metrics — Prometheus text format (not in the OpenAPI document, no auth). */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  @Get('metrics')
  @Access(PUBLIC_ACCESS)
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    configureMetrics();
    void reply.header('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}

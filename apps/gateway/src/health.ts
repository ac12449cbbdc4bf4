import type { CheckStatus } from '@chuishao/platform';
import { getJson, SERVICES } from './upstreams';
import type { ServiceName } from './routes';

export type ServiceStatus = 'up' | 'degraded' | 'down';

/** One service as the gateway saw it: its own checks (database, Kafka, consumers) with their causes. */
export interface ServiceHealth {
  status: ServiceStatus;
  checks?: Record<string, CheckStatus>;
  error?: string;
}

export interface SystemHealth {
  status: 'ok' | 'degraded' | 'error';
  checks: Record<string, ServiceHealth>;
}

/** What anyone may see: each service and each of its checks only up / degraded / down. */
export interface PublicHealth {
  status: SystemHealth['status'];
  checks: Record<string, { status: ServiceStatus; checks?: Record<string, { status: CheckStatus['status'] }> }>;
}

async function serviceHealth(url: string): Promise<ServiceHealth> {
  try {
    const r = await getJson(`${url}/health`);
    const body = r.body as { status?: string; checks?: Record<string, CheckStatus> } | undefined;
    if (r.status === 200 && (body?.status === 'ok' || body?.status === 'degraded')) {
      return { status: body.status === 'ok' ? 'up' : 'degraded', checks: body.checks };
    }
    return { status: 'down', checks: body?.checks ?? {}, error: `HTTP ${r.status}` };
  } catch (err) {
    return { status: 'down', error: (err as Error).name === 'AbortError' ? 'timeout' : (err as Error).message };
  }
}

/**
 * The system's health (contract §0): ok only when every service, its database and Kafka answer;
 * degraded (still 200) while a consumer retries after a transient failure (contract §10); error
 * (503) when anything is down. With causes: for operators only (the internal listener).
 */
export async function systemHealth(bases: Record<ServiceName, string>): Promise<SystemHealth> {
  const entries = await Promise.all(SERVICES.map(async (name) => [name, await serviceHealth(bases[name])] as const));
  const down = entries.some(([, v]) => v.status === 'down');
  const degraded = entries.some(([, v]) => v.status === 'degraded');
  return { status: down ? 'error' : degraded ? 'degraded' : 'ok', checks: Object.fromEntries(entries) };
}

/** {@link SystemHealth} without error texts, causes, addresses or numbers: statuses only. */
export function publicHealth(report: SystemHealth): PublicHealth {
  const checks: PublicHealth['checks'] = {};
  for (const [name, service] of Object.entries(report.checks)) {
    const inner = service.checks ? Object.fromEntries(Object.entries(service.checks).map(([k, c]) => [k, { status: c.status }])) : undefined;
    checks[name] = inner ? { status: service.status, checks: inner } : { status: service.status };
  }
  return { status: report.status, checks };
}

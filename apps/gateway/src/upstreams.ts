import type { GatewayConfig } from './gateway.config';
import type { ServiceName } from './routes';

export const SERVICES: readonly ServiceName[] = ['intake', 'triage', 'dispatch', 'assessment'];

export function upstreams(config: GatewayConfig): Record<ServiceName, string> {
  return { intake: config.INTAKE_URL, triage: config.TRIAGE_URL, dispatch: config.DISPATCH_URL, assessment: config.ASSESSMENT_URL };
}

/** GET with a timeout; resolves to status and parsed JSON (or undefined). */
export async function getJson(url: string, timeoutMs = 2000): Promise<{ status: number; body: unknown }> {
  const ctrl = new AbortController();
  const t = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { signal: ctrl.signal });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  } finally {
    clearTimeout(t);
  }
}

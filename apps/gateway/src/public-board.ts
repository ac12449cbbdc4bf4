import type { FastifyInstance, FastifyReply } from 'fastify';
import { PROBLEM_TYPES, publicCacheSeconds, sendCacheable, TtlCache, type CacheableAnswer } from '@chuishao/platform';
import type { ServiceName } from './routes';
import { getJson } from './upstreams';

export const PUBLIC_BOARD_PATH = '/api/v1/public/board';

/**
 * The public board (公示公开, contract §13) is two contexts' answers composed at the one base URL:
 * intake's whistle part (counts, green/yellow/red progress, recent whistles) and assessment's
 * departments' 三率 for the last closed month (`GET /api/v1/public/departments`). Neither service
 * reads the other's tables; the gateway only merges two public JSON answers (docs/public.md).
 * Composed at most once per CHUISHAO_PUBLIC_CACHE_SECONDS; ETag, max-age, 304.
 */
export async function composePublicBoard(bases: Record<ServiceName, string>, maxAgeSeconds: number, timeoutMs = 10_000): Promise<CacheableAnswer> {
  const [board, departments] = await Promise.all([
    getJson(`${bases.intake}${PUBLIC_BOARD_PATH}`, timeoutMs),
    getJson(`${bases.assessment}/api/v1/public/departments`, timeoutMs).catch(() => undefined),
  ]);
  if (board.status !== 200 || typeof board.body !== 'object' || board.body === null) {
    throw Object.assign(new Error(`intake answered ${board.status}`), { upstream: 'intake' });
  }
  // without assessment the board still shows the whistles; the departments part says it is missing
  const published = departments?.status === 200 ? departments.body : null;
  return { body: JSON.stringify({ ...(board.body as object), departments: published }), contentType: 'application/json; charset=utf-8', maxAgeSeconds };
}

export function registerPublicBoard(fastify: FastifyInstance, bases: Record<ServiceName, string>, seconds = publicCacheSeconds()): void {
  const cache = new TtlCache<CacheableAnswer>(seconds * 1000);
  fastify.get(PUBLIC_BOARD_PATH, async (request, reply: FastifyReply) => {
    let answer: CacheableAnswer;
    try {
      answer = await cache.get('board', () => composePublicBoard(bases, seconds));
    } catch (err) {
      const timeout = (err as Error).name === 'AbortError';
      const info = timeout ? PROBLEM_TYPES.GATEWAY_TIMEOUT : PROBLEM_TYPES.BAD_GATEWAY;
      return reply.code(info.status).type('application/problem+json').send({ type: info.type, title: info.title, status: info.status, detail: 'intake 服务不可达 / intake is unreachable' });
    }
    return sendCacheable(request, reply, answer);
  });
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { SWAGGER_UI_OPTIONS } from '@chuishao/platform';
import { getJson, SERVICES } from './upstreams';
import type { ServiceName } from './routes';

/**
 * One OpenAPI document for the one base URL: the four services' documents merged (paths and
 * component schemas), refreshed in the background, served by Swagger UI at /docs and as JSON at
 * /docs-json.
 */
export function setupMergedDocs(app: NestFastifyApplication, bases: Record<ServiceName, string>): () => void {
  let merged: OpenAPIObject = {
    openapi: '3.0.0',
    info: {
      title: 'Chuishao 吹哨报到 API',
      version: '1.0.0',
      description: '街道吹哨、部门报到、红黄蓝分级响应、考核评价的统一接口 / The whistle-and-report API (contract v1).',
    },
    paths: {},
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, schemas: {} },
    security: [{ bearer: [] }],
  };
  const gatewayOwn = (): OpenAPIObject['paths'] => ({
    '/health': { get: { tags: ['ops'], summary: '系统健康检查 / System health (statuses only; the details are on the internal listener)', security: [], responses: { '200': { description: 'ok' }, '503': { description: 'a dependency is down' } } } },
  });
  const refresh = async () => {
    const docs = await Promise.all(SERVICES.map((s) => getJson(`${bases[s]}/docs-json`, 3000).catch(() => undefined)));
    const paths: OpenAPIObject['paths'] = gatewayOwn();
    const schemas: Record<string, unknown> = {};
    for (const d of docs) {
      const doc = d?.body as OpenAPIObject | undefined;
      if (!doc?.paths) continue;
      for (const [p, item] of Object.entries(doc.paths)) {
        if (p === '/health' || p === '/metrics') continue;
        paths[p] = item;
      }
      Object.assign(schemas, doc.components?.schemas ?? {});
    }
    merged = { ...merged, paths, components: { ...merged.components, schemas: schemas as never } };
  };
  void refresh();
  const timer = setInterval(() => void refresh(), 15_000);
  timer.unref();
  SwaggerModule.setup('docs', app, () => merged, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Chuishao 吹哨报到 API', swaggerOptions: SWAGGER_UI_OPTIONS });
  return () => clearInterval(timer);
}

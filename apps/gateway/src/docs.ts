import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { mergeOpenApi } from '@chuishao/platform';
import { getJson, SERVICES } from './upstreams';
import type { ServiceName } from './routes';

/**
 * One OpenAPI document for the one base URL: the four services' documents merged by
 * `mergeOpenApi` (the function the build's dist/docs/openapi.json uses too), `servers` = the
 * public base URL, refreshed in the background, served by Swagger UI at /docs and as JSON at
 * /docs-json.
 */
export function setupMergedDocs(app: NestFastifyApplication, bases: Record<ServiceName, string>, publicBaseUrl: string): () => void {
  let merged: OpenAPIObject = mergeOpenApi([], publicBaseUrl);
  const refresh = async () => {
    const docs = await Promise.all(SERVICES.map((s) => getJson(`${bases[s]}/docs-json`, 3000).catch(() => undefined)));
    merged = mergeOpenApi(
      docs.map((d) => d?.body as OpenAPIObject | undefined),
      publicBaseUrl,
    );
  };
  void refresh();
  const timer = setInterval(() => void refresh(), 15_000);
  timer.unref();
  SwaggerModule.setup('docs', app, () => merged, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Chuishao 吹哨报到 API' });
  return () => clearInterval(timer);
}

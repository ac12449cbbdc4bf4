import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { mergeOpenApi, ProblemException, SWAGGER_UI_OPTIONS } from '@chuishao/platform';
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
  SwaggerModule.setup('docs', app, () => merged, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Chuishao 吹哨报到 API', swaggerOptions: SWAGGER_UI_OPTIONS });
  return () => clearInterval(timer);
}

const BUS_DOCS: Record<string, [file: string, contentType: string]> = {
  '/docs/asyncapi': ['asyncapi.html', 'text/html; charset=utf-8'],
  '/docs/asyncapi.yaml': ['asyncapi.yaml', 'application/yaml; charset=utf-8'],
  '/docs/asyncapi.json': ['asyncapi.json', 'application/json; charset=utf-8'],
  '/docs/asyncapi.css': ['asyncapi.css', 'text/css; charset=utf-8'],
};

/**
 * The bus's documents as the build wrote them (`npm run docs` / `npm run build` → dist/docs):
 * the AsyncAPI page at /docs/asyncapi, the document at /docs/asyncapi.yaml and .json. Read on
 * each request, so a rebuild shows at once.
 */
export function serveBusDocs(fastify: FastifyInstance, dir: string): void {
  for (const [path, [file, contentType]] of Object.entries(BUS_DOCS)) {
    fastify.get(path, async (_req, reply) => {
      const text = await readFile(join(dir, file), 'utf8').catch(() => undefined);
      if (text === undefined) throw ProblemException.notFound(`尚未生成，请运行 npm run docs / Not generated yet: run npm run docs (${file} in ${dir})`);
      return reply.header('content-type', contentType).send(text);
    });
  }
}

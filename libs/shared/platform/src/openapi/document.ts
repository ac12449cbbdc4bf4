import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject, SecurityRequirementObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { AUTH_EXTENSION, FILES_EXTENSION, Open311ErrorDto, ProblemDto, ProblemFieldErrorDto, type RouteAuth } from './decorators';

export interface OpenApiOptions {
  title: string;
  description: string;
  version?: string;
}

/** The security schemes of every document: a JWT bearer token, and Open311's street `api_key`. */
const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '`Authorization: Bearer <JWT>`（角色 role、组织 org，契约 §0）' },
  open311ApiKey: {
    type: 'apiKey',
    in: 'query',
    name: 'api_key',
    description: '街道的 Open311 密钥（POST 时也可作为表单字段）/ A street\'s Open311 key; with POST also a form field (contract §9).',
  },
} as const;

const SECURITY: Record<RouteAuth, SecurityRequirementObject[]> = {
  bearer: [{ bearer: [] }],
  open311: [{ open311ApiKey: [] }],
  'open311-optional': [{}, { open311ApiKey: [] }],
  public: [],
};

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/**
 * A service's OpenAPI document from its controllers (and the decorators of `decorators.ts`):
 * the same function for Swagger at the service's /docs, the gateway's merged /docs-json and the
 * build's dist/docs/openapi.json.
 */
export function serviceOpenApiDocument(app: INestApplication, o: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(o.title)
    .setDescription(o.description)
    .setVersion(o.version ?? '1.0.0')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .build();
  const doc = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto, ProblemFieldErrorDto, Open311ErrorDto] });
  doc.components = { ...doc.components, securitySchemes: { ...SECURITY_SCHEMES } };
  typeNullableCombinators(doc.components.schemas ?? {});
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as OperationObject[]) {
      if (typeof op === 'object' && op && 'responses' in op) finishOperation(op);
    }
  }
  return doc;
}

/**
 * A nullable property declared with `allOf: [{ $ref }]` (e.g. another service's schema, which
 * `type: () => Dto` cannot name) has no `type` — @nestjs/swagger drops it beside a combinator —
 * and OpenAPI 3.0 wants one beside `nullable`: `object`.
 */
function typeNullableCombinators(schemas: Record<string, unknown>): void {
  for (const schema of Object.values(schemas) as Array<{ properties?: Record<string, Record<string, unknown>> }>) {
    for (const p of Object.values(schema.properties ?? {})) {
      if (p.nullable === true && p.type === undefined && (p.allOf || p.oneOf || p.anyOf)) p.type = 'object';
    }
  }
}

/** `text/*` and XML (`application/atom+xml`, `image/svg+xml`) are documented as text, anything else as binary. */
const isText = (media: string): boolean => media.startsWith('text/') || media.endsWith('+xml');

/** Security from the route's choice (bearer unless said otherwise), problem bodies, file media types. */
function finishOperation(op: OperationObject): void {
  const ext = op as unknown as Record<string, unknown>;
  op.security = SECURITY[(ext[AUTH_EXTENSION] as RouteAuth | undefined) ?? 'bearer'];
  const files = (ext[FILES_EXTENSION] as string[] | undefined) ?? [];
  delete ext[AUTH_EXTENSION];
  delete ext[FILES_EXTENSION];
  for (const [status, r] of Object.entries(op.responses)) {
    const response = r as ResponseObject;
    if (/^[45]/.test(status)) {
      response.content ??= PROBLEM_CONTENT;
    } else if (/^2/.test(status)) {
      for (const media of files) {
        response.content = { ...response.content, [media]: { schema: isText(media) ? { type: 'string' } : { type: 'string', format: 'binary' } } };
      }
    }
  }
}

/** The merged document's title and description (the gateway's /docs). */
const CHUISHAO_API_INFO: OpenAPIObject['info'] = {
  title: 'Chuishao 吹哨报到 API',
  version: '1.0.0',
  description:
    '街道吹哨、部门报到、红黄蓝分级响应、考核评价的统一接口。错误一律为 RFC 9457 `application/problem+json`（Open311 除外）；' +
    '消息总线（部门的 Kafka 主题）见 [/docs/asyncapi](/docs/asyncapi)。\n\n' +
    'The whistle-and-report API (contract v1). Every error is RFC 9457 `application/problem+json` (Open311 keeps its own format); ' +
    'the bus (the departments\' Kafka topics) is described at [/docs/asyncapi](/docs/asyncapi).',
  license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
};

/**
 * One document for the one base URL: the services' documents merged (paths and component
 * schemas; /health once — the gateway's answers for all —, no /metrics), `servers` = the public
 * base URL (CHUISHAO_PUBLIC_BASE_URL, contract §0).
 */
export function mergeOpenApi(docs: Array<OpenAPIObject | undefined>, publicBaseUrl: string): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  const schemas: Record<string, unknown> = {};
  for (const doc of docs) {
    if (!doc?.paths) continue;
    for (const [p, item] of Object.entries(doc.paths)) {
      if (p === '/metrics' || (p === '/health' && paths[p])) continue;
      paths[p] = item;
    }
    Object.assign(schemas, doc.components?.schemas ?? {});
  }
  return {
    openapi: '3.0.0',
    info: CHUISHAO_API_INFO,
    servers: [{ url: publicBaseUrl.replace(/\/+$/, ''), description: '公开访问地址 / The public base URL (CHUISHAO_PUBLIC_BASE_URL)' }],
    paths,
    components: { securitySchemes: { ...SECURITY_SCHEMES }, schemas: schemas as never },
  };
}

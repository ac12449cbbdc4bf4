import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PATH_METADATA } from '@nestjs/common/constants';
import { HealthController, IS_PUBLIC_KEY } from '@chuishao/platform';
import { buildOpenApi, controllersOf, FEATURES } from './openapi';
import { describeProblems, redoclyLint } from './redocly';

describe('the OpenAPI document (the gateway\'s /docs-json)', () => {
  let doc: OpenAPIObject;
  beforeAll(async () => {
    doc = await buildOpenApi('https://chuishao.example.gov.cn/');
  }, 60_000);

  it('passes redocly lint with the recommended rules: no error, no warning', async () => {
    // where the build writes it: the accepted warnings (.redocly.lint-ignore.yaml) are keyed by that path
    const dir = join(__dirname, '../../../dist/docs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    expect(describeProblems(await redoclyLint(file))).toEqual([]);
  }, 60_000);
});

type Op = { operationId?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
const operations = (doc: OpenAPIObject): Array<[string, Op]> =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item as Record<string, Op>).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Op]));

describe('what the document promises integrators', () => {
  let doc: OpenAPIObject;
  beforeAll(async () => {
    doc = await buildOpenApi('https://chuishao.example.gov.cn/');
  }, 60_000);

  it('names the public base URL as its server', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://chuishao.example.gov.cn' })]);
  });

  it('gives every operation a 2xx answer with a schema, and every 4xx/5xx a body schema', () => {
    const missing: string[] = [];
    for (const [name, op] of operations(doc)) {
      const ok = Object.entries(op.responses).filter(([s]) => /^2/.test(s));
      // 204 No Content is the one 2xx without a body (e.g. a DELETE)
      if (!ok.some(([s, r]) => s === '204' || Object.values(r.content ?? {}).some((c) => c.schema))) missing.push(`${name}: no 2xx schema`);
      for (const [s, r] of Object.entries(op.responses)) {
        if (/^[45]/.test(s) && !Object.values(r.content ?? {}).some((c) => c.schema)) missing.push(`${name}: ${s} without a body schema`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('answers errors as RFC 9457 problems (Open311 in its own format), 401 wherever a token is needed', () => {
    for (const [name, op] of operations(doc)) {
      const bearer = JSON.stringify(op.security) === JSON.stringify([{ bearer: [] }]);
      if (bearer) expect([name, Object.keys(op.responses)]).toEqual([name, expect.arrayContaining(['401', '403'])]);
      for (const [s, r] of Object.entries(op.responses)) {
        if (!/^4/.test(s) || name.includes('/open311/')) continue;
        expect([name, s, r.content?.['application/problem+json']?.schema]).toEqual([name, s, { $ref: '#/components/schemas/Problem' }]);
      }
    }
    expect(Object.keys((doc.components?.schemas?.Problem as { properties: object }).properties)).toEqual(['type', 'title', 'status', 'detail', 'errors', 'instance']);
  });

  it('says per operation who may call it: bearer, an Open311 key, or nobody (feedback, Open311 GETs, health)', () => {
    const security = Object.fromEntries(operations(doc).map(([name, op]) => [name, op.security]));
    expect(Object.values(security).every((s) => Array.isArray(s))).toBe(true);
    expect(doc.security).toBeUndefined();
    expect(security['GET /api/v1/feedback/{token}']).toEqual([]);
    expect(security['POST /api/v1/feedback/{token}']).toEqual([]);
    expect(security['GET /health']).toEqual([]);
    expect(security['GET /open311/v2/services.json']).toEqual([]);
    expect(security['GET /open311/v2/requests.json']).toEqual([{}, { open311ApiKey: [] }]);
    expect(security['POST /open311/v2/requests.json']).toEqual([{ open311ApiKey: [] }]);
    expect(security['POST /api/v1/whistles']).toEqual([{ bearer: [] }]);
    expect(doc.components?.securitySchemes).toEqual({ bearer: expect.objectContaining({ scheme: 'bearer' }), open311ApiKey: expect.objectContaining({ type: 'apiKey', name: 'api_key' }) });
  });

  it('declares one success code for POST /api/v1/whistles, and CSV/XLSX as their media types', () => {
    const blow = operations(doc).find(([n]) => n === 'POST /api/v1/whistles')![1];
    expect(Object.keys(blow.responses).filter((s) => /^2/.test(s))).toEqual(['201']);
    const scorecards = operations(doc).find(([n]) => n === 'GET /api/v1/assessment/scorecards')![1];
    expect(Object.keys(scorecards.responses['200'].content ?? {}).sort()).toEqual(['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv']);
  });

  it('documents the public board as the gateway answers it (intake\'s part + assessment\'s departments), the feed and the QR code in their media types', () => {
    const ok = (name: string) => operations(doc).find(([n]) => n === name)![1].responses['200'].content ?? {};
    expect(ok('GET /api/v1/public/board')).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/PublicBoard' } } });
    const board = doc.components?.schemas?.PublicBoard as { properties: Record<string, unknown>; required: string[] };
    expect(board.properties.departments).toMatchObject({ type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/PublicDepartments' }] });
    expect(board.required).toEqual(expect.arrayContaining(['counts', 'progress', 'recent', 'departments']));
    expect(Object.keys(ok('GET /api/v1/public/feed.atom'))).toEqual(['application/atom+xml']);
    expect(Object.keys(ok('GET /api/v1/whistles/{id}/feedback-qr.svg'))).toEqual(['image/svg+xml']);
  });
});

describe('the auth guard and the document agree', () => {
  it('documents every @Public() route as public or Open311, every other route as bearer', async () => {
    const doc = await buildOpenApi('http://127.0.0.1:8080');
    // operation ids are Controller_method, `[i]` appended for a method's path aliases and `_get`/`_post` for @All
    // (strip only those: a method named `get` or `post` must still be found)
    const documented = new Map(operations(doc).map(([, op]) => [op.operationId?.replace(/\[\d+\]$/, ''), JSON.stringify(op.security)]));
    const securityOf = (id: string) => documented.get(id) ?? documented.get(`${id}_get`) ?? documented.get(`${id}_post`);
    const wrong: string[] = [];
    let checked = 0;
    for (const controller of [HealthController, ...FEATURES.flatMap(controllersOf)]) {
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = (controller.prototype as Record<string, unknown>)[name];
        if (typeof method !== 'function' || Reflect.getMetadata(PATH_METADATA, method) === undefined) continue;
        const security = securityOf(`${controller.name}_${name}`);
        if (security === undefined) continue; // @ApiExcludeEndpoint
        checked += 1;
        const isPublic = Reflect.getMetadata(IS_PUBLIC_KEY, method) ?? Reflect.getMetadata(IS_PUBLIC_KEY, controller);
        if (Boolean(isPublic) !== (security !== '[{"bearer":[]}]')) wrong.push(`${controller.name}.${name}: public ${Boolean(isPublic)}, documented ${security}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(35); // every route but the Open311 .json/.xml aliases (one method, indexed operation ids)
  }, 60_000);
});

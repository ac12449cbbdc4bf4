import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';

describe('intake OpenAPI', () => {
  let svc: ServiceUnderTest;
  beforeAll(async () => {
    svc = await startServiceForTest(intakeService, { label: 'intake_openapi', consume: false });
  });
  afterAll(() => svc.stop());

  it('documents every endpoint with a Chinese and English summary', () => {
    const doc = SwaggerModule.createDocument(svc.app, new DocumentBuilder().setTitle('intake').build());
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { summary?: string }>).map(([method, op]) => ({ path, method, summary: op.summary ?? '' })),
    );
    const mine = operations.filter((o) => o.path.startsWith('/api/v1/') || o.path.startsWith('/open311/'));
    expect(mine.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(
      [
        'GET /api/v1/board',
        'GET /api/v1/catalog',
        'GET /api/v1/feedback/{token}',
        'GET /api/v1/public/board',
        'GET /api/v1/public/feed.atom',
        'GET /api/v1/public/whistles',
        'GET /api/v1/public/whistles/{id}',
        'POST /api/v1/feedback/{token}',
        'GET /api/v1/whistles',
        'POST /api/v1/whistles',
        'GET /api/v1/whistles/{id}',
        'GET /api/v1/whistles/{id}/events',
        'GET /api/v1/whistles/{id}/feedback-qr.svg',
        'POST /api/v1/whistles/{id}/withdraw',
        'POST /api/v1/whistles/{id}/confirm',
        'POST /api/v1/whistles/{id}/reopen',
        'GET /open311/v2/discovery.json',
        'GET /open311/v2/discovery.xml',
        'GET /open311/v2/services.json',
        'GET /open311/v2/services.xml',
        'GET /open311/v2/services/{file}',
        'POST /open311/v2/requests.json',
        'POST /open311/v2/requests.xml',
        'GET /open311/v2/requests.json',
        'GET /open311/v2/requests.xml',
        'GET /open311/v2/requests/{file}',
        'POST /api/v1/open311-keys',
        'GET /api/v1/open311-keys',
        'DELETE /api/v1/open311-keys/{id}',
      ].sort(),
    );
    for (const o of mine) {
      expect([o.path, o.method, /[\u4e00-\u9fff]/.test(o.summary) && /\/ [A-Z]/.test(o.summary)]).toEqual([o.path, o.method, true]);
    }
    const whistle = (doc.components?.schemas ?? {})['WhistleResponseDto'] as { properties: Record<string, { example?: unknown }> };
    expect(whistle.properties.title.example).toMatch(/[\u4e00-\u9fff]/);
  });
});

import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { triageService } from '../src/triage.service';

describe('triage OpenAPI', () => {
  let svc: ServiceUnderTest;
  beforeAll(async () => {
    svc = await startServiceForTest(triageService, { label: 'triage_openapi', consume: false });
  });
  afterAll(() => svc?.stop());

  it('documents the policy document, every rule and its parameters, and the override', () => {
    const doc = SwaggerModule.createDocument(svc.app, new DocumentBuilder().setTitle('triage').build());
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/policies/triage', '/api/v1/policies/triage/versions', '/api/v1/policies/triage/versions/{version}', '/api/v1/whistles/{id}/triage-override']),
    );
    const schemas = doc.components?.schemas ?? {};
    const rules = schemas.TriageRulesSchema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(rules.properties).sort()).toEqual(['base', 'emergency-floor', 'households-affected', 'life-safety', 'recurring']);
    expect(rules.required.sort()).toEqual(['base', 'emergency-floor', 'households-affected', 'life-safety', 'recurring']);
    expect(Object.keys((schemas.RecurringRuleSchema as { properties: object }).properties).sort()).toEqual(['enabled', 'minEarlier', 'radiusMeters', 'steps', 'windowDays']);
    expect(Object.keys((schemas.TriagePolicyResponse as { properties: object }).properties).sort()).toEqual(['publishedAt', 'publishedBy', 'rules', 'sla', 'version']);
    const post = doc.paths['/api/v1/policies/triage'].post!;
    expect(Object.keys(post.responses).sort()).toEqual(['201', '401', '403', '409', '422']);
    expect(JSON.stringify(schemas.PublishTriagePolicyRequestDto)).toContain('P4D');
  });
});

import { SwaggerModule, DocumentBuilder } from '@nestjs/swagger';
import { startServiceForTest, type ServiceUnderTest } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';

describe('dispatch OpenAPI', () => {
  let svc: ServiceUnderTest;
  beforeAll(async () => {
    svc = await startServiceForTest(dispatchService, { label: 'dispatch_openapi', consume: false });
  });
  afterAll(() => svc.stop());

  it('documents every assignments route with its response schema', () => {
    const doc = SwaggerModule.createDocument(svc.app, new DocumentBuilder().build());
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/assignments')).sort();
    expect(paths).toEqual([
      '/api/v1/assignments',
      '/api/v1/assignments/extensions',
      '/api/v1/assignments/{id}',
      '/api/v1/assignments/{id}/arrive',
      '/api/v1/assignments/{id}/complete',
      '/api/v1/assignments/{id}/dispute',
      '/api/v1/assignments/{id}/dispute-resolution',
      '/api/v1/assignments/{id}/extension',
      '/api/v1/assignments/{id}/extension-decision',
      '/api/v1/assignments/{id}/progress',
      '/api/v1/assignments/{id}/report',
    ]);
    const report = doc.paths['/api/v1/assignments/{id}/report'].post!;
    expect(JSON.stringify(report.responses['200'])).toContain('DispatchAssignmentResponse');
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['ReplyRequestDto', 'DisputeResolutionRequestDto', 'DispatchAssignmentResponse', 'ExtensionRequestDto', 'ExtensionDecisionRequestDto', 'DispatchExtensionListResponse']),
    );
    expect(JSON.stringify(doc.paths['/api/v1/assignments/extensions'].get!.responses['200'])).toContain('DispatchExtensionListResponse');
    expect(JSON.stringify(doc.paths['/api/v1/assignments/{id}/extension'].post!.responses)).toContain('422');
  });
});

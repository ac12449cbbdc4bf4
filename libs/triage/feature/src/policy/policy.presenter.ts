import type { PolicyVersion } from '@chuishao/triage-domain';
import type { TriagePolicyResponse } from './triage-policy.schema';

export function presentPolicy(v: PolicyVersion): TriagePolicyResponse {
  return {
    version: v.policy.version,
    sla: v.policy.sla,
    rules: v.policy.rules,
    publishedAt: v.publishedAt ? v.publishedAt.toISOString() : null,
    publishedBy: v.publishedBy,
  } as TriagePolicyResponse;
}
